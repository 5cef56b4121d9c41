using IggyAspire.Messaging.Transport;

namespace IggyAspire.UnitTests.Messaging;

public sealed class IggyErrorCodesTests
{
    [Theory]
    [InlineData(1012, true)]
    [InlineData(2013, true)]
    [InlineData(5004, true)]
    [InlineData(1009, false)]
    [InlineData(3007, false)]
    [InlineData(42, false)]
    public void Only_the_three_name_exists_codes_mean_already_there(int code, bool alreadyExists) =>
        Assert.Equal(alreadyExists, IggyErrorCodes.IsAlreadyExists(code));
}
