using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IggyAspire.Tests.EndToEnd.Harness;

/// <summary>
/// What the server says about a topic: its partitions, the offset of the last message in each, and how many messages
/// it holds in all (<c>messages_count</c>, the sum over its partitions).
/// </summary>
internal sealed record TopicState(uint PartitionsCount, IReadOnlyDictionary<uint, ulong> CurrentOffsets, ulong MessagesCount);

/// <summary>
/// The few calls of Iggy's HTTP API (server 0.8.0) the tests make on the <c>http</c> endpoint: <c>GET /ping</c>,
/// <c>POST /users/login</c> and <c>GET /streams/{stream}/topics/{topic}</c> with the login's bearer token.
/// </summary>
internal sealed class IggyHttpApi(HttpClient http)
{
    public async Task<string> PingAsync(CancellationToken cancellationToken) =>
        await http.GetStringAsync(new Uri("/ping", UriKind.Relative), cancellationToken);

    /// <summary>Posts the credentials; the caller judges the answer.</summary>
    public async Task<HttpResponseMessage> PostLoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["username"] = username, ["password"] = password }.ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.PostAsync(new Uri("/users/login", UriKind.Relative), content, cancellationToken);
    }

    /// <summary>Logs in and returns the access token (<c>{"user_id":..,"access_token":{"token":..,"expiry":..}}</c>).</summary>
    public async Task<string> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var response = await PostLoginAsync(username, password, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /users/login as '{username}' answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("access_token").GetProperty("token").GetString();
        Assert.False(string.IsNullOrEmpty(token), $"POST /users/login answered without a token: {body}");
        return token;
    }

    public async Task<TopicState> GetTopicAsync(string token, string stream, string topic, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/streams/{Uri.EscapeDataString(stream)}/topics/{Uri.EscapeDataString(topic)}", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var partitions = json.RootElement.GetProperty("partitions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("id").GetUInt32(), p => p.GetProperty("current_offset").GetUInt64());
        return new TopicState(json.RootElement.GetProperty("partitions_count").GetUInt32(), partitions, json.RootElement.GetProperty("messages_count").GetUInt64());
    }
}
