using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// Bytes no well-behaved client sends, each answered 400 naming the field (never 500), with nothing written:
/// text that is not UTF-8, escaped lone surrogates, a field sent twice, a chunk size that overflows, a period at
/// the end of the calendar.
/// </summary>
public abstract class MalformedInputScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    private static readonly byte[] NotUtf8 = [0xff, 0xfe];

    public static TheoryData<string, byte[], string> BadDeltaBodies => new()
    {
        { "/api/v1/balance/delta", Body("""{"customerId":"c","delta":1,"reason":"\ud800"}"""), "reason" },
        { "/api/v1/balance/delta", Body("""{"customerId":"c","delta":1,"reason":"ok","delta":2}"""), "delta" },
        { "/api/v1/balance/delta", Body("{\"customerId\":\"c\",\"delta\":1,\"reason\":\"", NotUtf8, "\"}"), "reason" },
        { "/api/v1/balance/delta", Body("{\"customerId\":\"c\",\"delta\":1,\"reason\":\"ok\",\"metadata\":{\"note\":\"", NotUtf8, "\"}}"), "metadata.note" },
        { "/api/v1/balance/delta/batch", Body("""{"deltas":[{"customerId":"c","delta":1,"reason":"ok"},{"customerId":"c","delta":1,"reason":"\udc00x"}]}"""), "deltas[1].reason" },
    };

    [Theory]
    [MemberData(nameof(BadDeltaBodies))]
    public async Task Emit_MalformedText_400NamingTheFieldAndNothingWritten(string path, byte[] body, string field)
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;

        var answer = await SendBytesAsync(Stack.PlaneClient(Role.Sandbox), path, body, key);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains(field, answer.DetailFields);
        await using var c = await Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        Assert.Equal(0, await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {PlaneRows.Deltas} WHERE tenant_id = @tenantId", new { tenantId = session.TenantId }));
    }

    [Fact]
    public async Task Login_EmailNotUtf8OrSentTwice_400NamingEmail()
    {
        using var client = new HttpClient { BaseAddress = Stack.Local.Url(Role.Dashboard) };
        var stray = await SendBytesAsync(client, "/dashboard/auth/login", Body("{\"email\":\"", NotUtf8, "\",\"password\":\"x\"}"));
        var twice = await SendBytesAsync(client, "/dashboard/auth/login", Body("""{"email":"a@example.com","password":"x","email":"b@example.com"}"""));

        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (stray.Status, stray.Code));
        Assert.Equal(["email"], stray.DetailFields);
        Assert.Equal((HttpStatusCode.BadRequest, "VALIDATION_ERROR"), (twice.Status, twice.Code));
        Assert.Equal(["email"], twice.DetailFields);
    }

    [Theory]
    [InlineData(Role.Dashboard, "/dashboard/auth/login")]
    [InlineData(Role.Sandbox, "/api/v1/balance/delta")]
    public async Task Write_ChunkSizeOverflows_400NotAServerError(Role role, string path)
    {
        var key = role == Role.Sandbox ? (await Api.CreateKeyAsync(await Api.ReadyTenantAsync())).FullKey : null;
        var url = Stack.Local.Url(role);
        using var socket = new TcpClient();
        await socket.ConnectAsync(url.Host, url.Port);
        var stream = socket.GetStream();
        var request = $"POST {path} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\n"
            + (key is null ? "" : $"X-Api-Key: {key}\r\n")
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        var response = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
        Assert.Contains("\"VALIDATION_ERROR\"", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/balance/derive/c?period=9999-12")]
    [InlineData("GET", "/api/v1/balance/checkpoints?period=9999-12")]
    [InlineData("GET", "/api/v1/balance/customers/c?period=9999-12")]
    [InlineData("GET", "/api/v1/balance/receipt/c?period=9999-12")]
    [InlineData("POST", "/api/v1/balance/checkpoint")]
    public async Task Scope_PeriodAtTheEndOfTheCalendar_400NamingPeriod(string method, string path)
    {
        var key = (await Api.CreateKeyAsync(await Api.ReadyTenantAsync())).FullKey;

        var answer = await Stack.SendAsync(Role.Sandbox, new HttpMethod(method), path, key, method == "POST" ? """{"period":"9999-12"}""" : null);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("VALIDATION_ERROR", answer.Code);
        Assert.Contains("period", answer.DetailFields);
    }

    private static byte[] Body(params object[] parts) =>
        [.. parts.SelectMany(p => p is byte[] bytes ? bytes : Encoding.UTF8.GetBytes((string)p))];

    private static async Task<Answer> SendBytesAsync(HttpClient client, string path, byte[] body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        using var response = await client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), response.Headers, raw);
    }
}

public sealed class MalformedInputScenariosOnSqlite(SharedStacks shared) : MalformedInputScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class MalformedInputScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : MalformedInputScenarios(Store.Postgres, postgres, shared);
