using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Iggy;

/// <summary>Opens a logged-in <see cref="IggyHttpApi"/> on a running server's HTTP endpoint with its root credentials.</summary>
internal static class IggyServerConnection
{
    public static async Task<(HttpClient Http, IggyHttpApi Api)> LogInAsync(IIggyServerResource server, CancellationToken cancellationToken)
    {
        var userName = await server.UserNameReference.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? IggyRootCredentials.DefaultUserName;
        var password = await server.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The password parameter of '{server.Name}' has no value.");

        var http = IggyHttpApi.CreateHttpClient(new Uri(server.HttpEndpoint.Url));
        try
        {
            var api = new IggyHttpApi(http);
            await api.LoginAsync(userName, password, cancellationToken).ConfigureAwait(false);
            return (http, api);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }
}
