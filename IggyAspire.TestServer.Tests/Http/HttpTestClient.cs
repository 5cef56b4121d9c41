using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace IggyAspire.TestServer.Tests.Http;

/// <summary>An HttpClient on the front end that sends bodies and tokens exactly as a test says, and reads answers whole.</summary>
internal sealed class HttpTestClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The token <see cref="LoginAsync"/> got; sent as <c>Authorization: Bearer</c> unless a call says otherwise.</summary>
    public string? Token { get; set; }

    public async Task<string> LoginAsync(string username = "iggy", string password = "secret")
    {
        var answer = await SendAsync(HttpMethod.Post, "users/login", new JsonObject { ["username"] = username, ["password"] = password }.ToJsonString());
        Assert.Equal(200, answer.Status);
        Token = (string)answer.Json!["access_token"]!["token"]!;
        return Token;
    }

    public Task<Answer> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Answer> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<Answer> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body.ToJsonString());

    public async Task<Answer> SendAsync(HttpMethod method, string path, string? body = null, string? contentType = "application/json", string? authorization = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        using var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), text);
    }

    public void Dispose() => _http.Dispose();

    internal sealed record Answer(int Status, string? ContentType, string Body)
    {
        public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

        /// <summary>An IggyError body (http/error.rs:35-41) as (status, id, code, field).</summary>
        public (int Status, uint Id, string? Code, string? Field) Error => (Status, (uint)Json!["id"]!, (string?)Json["code"], (string?)Json["field"]);
    }
}
