using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IggyAspire.TestServer.Http;

/// <summary>
/// The access tokens of 0.8.0's HTTP API: HS256 JWTs (config.toml:93 <c>algorithm = "HS256"</c>) signed with a random
/// secret made at start when none is configured (http_server.rs:275-284, config.toml:117-122 leave both secrets empty),
/// so a token is good for one server run only. Claims as jwt_manager.rs:188-220 <c>generate</c> writes them: <c>jti</c>
/// a UUID v7, <c>sub</c> the user id, <c>aud</c> and <c>iss</c> <c>"iggy.apache.org"</c> (config.toml:96-99), <c>iat</c>,
/// <c>nbf</c> (iat + not_before 0 s, config.toml:114) and <c>exp</c> (iat + access_token_expiry) in seconds.
/// </summary>
internal sealed class IggyJwt(TimeProvider clock, TimeSpan expiry)
{
    /// <summary>config.toml:96-105: the issuer and the one valid issuer and audience.</summary>
    public const string Issuer = "iggy.apache.org";

    /// <summary>config.toml:111 <c>clock_skew = "5 s"</c>: the validation's leeway (jwt_manager.rs:133-137).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(48);

    /// <summary>A token for <paramref name="userId"/> and its expiry, in seconds since the epoch.</summary>
    public (string Token, ulong Expiry) Issue(uint userId)
    {
        var iat = (ulong)clock.GetUtcNow().ToUnixTimeSeconds();
        var exp = iat + (ulong)expiry.TotalSeconds;
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "HS256" };
        var claims = new JsonObject
        {
            ["jti"] = Guid.CreateVersion7(clock.GetUtcNow()).ToString(),
            ["sub"] = userId.ToString(CultureInfo.InvariantCulture),
            ["aud"] = Issuer,
            ["iss"] = Issuer,
            ["iat"] = iat,
            ["exp"] = exp,
            ["nbf"] = iat,
        };
        var signed = $"{Encode(header)}.{Encode(claims)}";
        return ($"{signed}.{Base64Url.EncodeToString(Sign(signed))}", exp);
    }

    /// <summary>
    /// The user id of a token this server issued and that is still valid, or null: jwt/middleware.rs:64-97 answers a
    /// bare 401 for a header that does not decode, a signature, issuer, audience or time that does not validate
    /// (jsonwebtoken's Validation with the config's issuers, audiences and leeway, jwt_manager.rs:133-137), and a
    /// <c>sub</c> that is not a u32.
    /// </summary>
    public uint? Validate(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !TryDecode(parts[0], out var header) || !TryDecode(parts[1], out var claims)
            || header["alg"]?.GetValueKind() != JsonValueKind.String || (string?)header["alg"] != "HS256"
            || !Base64Url.IsValid(parts[2]))
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Sign($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2])))
        {
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var leeway = (long)ClockSkew.TotalSeconds;
        if (Seconds(claims["exp"]) is not { } exp || exp + leeway <= now
            || (Seconds(claims["nbf"]) is { } nbf && nbf - leeway > now)
            || AsString(claims["iss"]) != Issuer || AsString(claims["aud"]) != Issuer
            || !uint.TryParse(AsString(claims["sub"]), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }

        return userId;
    }

    private byte[] Sign(string signed) => HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(signed));

    private static string Encode(JsonObject part) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(part.ToJsonString()));

    private static bool TryDecode(string part, out JsonObject decoded)
    {
        decoded = [];
        if (!Base64Url.IsValid(part))
        {
            return false;
        }

        try
        {
            if (JsonNode.Parse(Base64Url.DecodeFromChars(part)) is JsonObject parsed)
            {
                decoded = parsed;
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static long? Seconds(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var seconds) ? seconds : null;

    private static string? AsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
