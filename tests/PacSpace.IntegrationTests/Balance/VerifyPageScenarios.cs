using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Dashboard;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.IntegrationTests.Records;

namespace PacSpace.IntegrationTests.Balance;

/// <summary>
/// The human verification pages of a plane (<c>/verify/{proofRoot}</c>, <c>/verify/receipt/{receiptId}</c>, <c>/verify</c>) as
/// an HTTP client sees them: where <c>verifyUrl</c> points, the page's headers and embedded proof, its script, and what any
/// other path under <c>/verify</c> answers. The checks the page's script runs are the browser tests' business. SQLite only:
/// the pages read through the same handlers as the JSON routes, which run on both stores.
/// </summary>
public sealed partial class VerifyPageScenarios(SharedStacks shared) : SharedStackTests(Store.Sqlite, null, shared)
{
    private static readonly UriCreationOptions AsWritten = new() { DangerousDisablePathAndQueryCanonicalization = true };

    [Fact]
    public async Task VerifyUrl_CheckpointReceiptsDeltaAndRecord_PointAtThePagesAndThePagesCarryTheProof()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        var ids = await ReadScenarios.EmitAllAsync(Stack, key, ("page/a", 10), ("page/a", -3), ("b", 4));
        var plane = Stack.Url(Role.Sandbox).ToString().TrimEnd('/');

        var checkpoint = await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, """{"customerId":"page/a"}""");
        Assert.Equal(HttpStatusCode.Created, checkpoint.Status);
        var root = checkpoint.Data.GetProperty("proofRoot").GetString()!;
        Assert.Equal($"{plane}/verify/{root}", checkpoint.Data.GetProperty("verifyUrl").GetString());
        Assert.Equal($"{plane}/api/v1/verify/{root}", checkpoint.Data.GetProperty("verificationApiUrl").GetString());
        foreach (var path in new[] { "/api/v1/balance/receipt/page%2Fa", "/api/v1/balance/invoice-proof/page%2Fa" })
        {
            var invoice = (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, path, key)).Data;
            Assert.Equal($"{plane}/verify/{root}", invoice.GetProperty("verifyUrl").GetString());
            Assert.Equal($"{plane}/api/v1/verify/{root}", invoice.GetProperty("verificationApiUrl").GetString());
            Assert.Contains($"{plane}/verify/{root}", invoice.GetProperty("accessHint").GetString(), StringComparison.Ordinal);
        }

        var listed = (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/checkpoints", key)).Data.GetProperty("checkpoints")[0];
        Assert.Equal($"{plane}/verify/{root}", listed.GetProperty("verifyUrl").GetString());

        var delta = (await Stack.DeltaStatusAsync(Role.Sandbox, key, ids[1])).Data;
        var receiptId = delta.GetProperty("receiptId").GetString()!;
        Assert.Equal("/verify/receipt/" + receiptId, delta.GetProperty("proof").GetProperty("verifyUrl").GetString());
        Assert.Equal("/api/v1/verify/receipt/" + receiptId, delta.GetProperty("proof").GetProperty("verificationApiUrl").GetString());

        Assert.Equal(HttpStatusCode.Created, (await Stack.TransitionAsync(key, "page-build", RecordKit.Body("recorded"))).Status);
        var record = (await Stack.CommittedAsync(key, "page-build", 0)).Data;
        var recordReceiptId = record.GetProperty("receiptId").GetString()!;
        Assert.Equal("/verify/receipt/" + recordReceiptId, record.GetProperty("verifyUrl").GetString());
        Assert.Equal("/api/v1/verify/receipt/" + recordReceiptId, record.GetProperty("verificationApiUrl").GetString());

        // The period page: HTML under a strict policy, no cookie, and the proof the JSON route serves, embedded as data.
        using var http = new HttpClient();
        var (_, html) = await GetPageAsync(http, $"{plane}/verify/{root}", HttpStatusCode.OK);
        var api = (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/" + root, null)).Data;
        var data = ProofData(html);
        Assert.Equal("period", data.GetProperty("kind").GetString());
        foreach (var field in new[] { "proofRoot", "origin", "checkpoint", "signature", "publicKey", "verifierKey" })
        {
            Assert.Equal(api.GetProperty(field).GetString(), data.GetProperty(field).GetString());
        }

        Assert.True(JsonElement.DeepEquals(api.GetProperty("periodStatement"), data.GetProperty("periodStatement")));
        Assert.False(data.TryGetProperty("verified", out _));
        Assert.Contains("This check needs JavaScript", html, StringComparison.Ordinal);
        Assert.Contains($"pacspace verify --checkpoint checkpoint.json --public-key '{api.GetProperty("verifierKey").GetString()}'", WebUtility.HtmlDecode(html),
            StringComparison.Ordinal);
        Assert.Contains("<h1>Period statement ", html, StringComparison.Ordinal);

        // The script and stylesheet it names: this origin, pinned by SRI, cacheable for good under their versioned URL.
        foreach (Match asset in AssetReference().Matches(html))
        {
            using var response = await http.GetAsync(plane + WebUtility.HtmlDecode(asset.Groups["url"].Value));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(WebUtility.HtmlDecode(asset.Groups["sri"].Value), "sha384-" + Convert.ToBase64String(SHA384.HashData(bytes)));
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Matches("^text/(javascript|css)$", response.Content.Headers.ContentType!.MediaType!);
        }

        Assert.Equal(2, AssetReference().Matches(html).Count);

        // The receipt pages, a delta's and a record entry's, at the paths verifyUrl gives.
        foreach (var (id, kind) in new[] { (receiptId, "delta entry"), (recordReceiptId, "record entry") })
        {
            var (_, receiptHtml) = await GetPageAsync(http, plane + "/verify/receipt/" + id, HttpStatusCode.OK);
            var receiptData = ProofData(receiptHtml);
            var receiptApi = (await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/receipt/" + id, null)).Data;
            Assert.Equal("receipt", receiptData.GetProperty("kind").GetString());
            foreach (var field in new[] { "entry", "leafHash", "contentHash", "checkpoint", "publicKey" })
            {
                Assert.Equal(receiptApi.GetProperty(field).GetString(), receiptData.GetProperty(field).GetString());
            }

            Assert.Equal(receiptApi.GetProperty("index").GetInt64(), receiptData.GetProperty("index").GetInt64());
            Assert.Contains(kind, receiptHtml, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Build deployed", (await GetPageAsync(http, plane + "/verify/receipt/" + recordReceiptId, HttpStatusCode.OK)).Html, StringComparison.Ordinal);

        // The look-up form sends a proof root or a receipt id to its page.
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        foreach (var (query, location) in new[] { ("0x" + root.ToUpperInvariant(), "/verify/" + root), (receiptId, "/verify/receipt/" + receiptId) })
        {
            using var response = await noRedirect.GetAsync($"{plane}/verify?id={Uri.EscapeDataString(query)}");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(location, response.Headers.Location!.OriginalString);
        }

        Assert.Contains("Proof root or receipt id", (await GetPageAsync(http, plane + "/verify", HttpStatusCode.OK)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CliVerifyCheckpoint_TheCommandThePageShows_PassesOfflineAndFailsOnAChangedStatementOrRoot()
    {
        var session = await Api.ReadyTenantAsync();
        var key = (await Api.CreateKeyAsync(session)).FullKey;
        await ReadScenarios.EmitAllAsync(Stack, key, ("cli", 3), ("cli", -1));
        var root = (await Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, "{}")).Data.GetProperty("proofRoot").GetString()!;
        var answer = await Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/verify/" + root, null);
        var vkey = answer.Data.GetProperty("verifierKey").GetString()!;

        var folder = Directory.CreateTempSubdirectory("pacspace-verify-period-");
        try
        {
            var file = Path.Combine(folder.FullName, "checkpoint.json");
            await File.WriteAllTextAsync(file, answer.Raw);
            var ok = await CliRunner.RunAsync("verify", "--checkpoint", file, "--public-key", vkey);
            Assert.True(ok.Code == 0, ok.Output);
            Assert.Contains("1. signed head: ok", ok.Output, StringComparison.Ordinal);
            Assert.Contains("5. consistency: ok", ok.Output, StringComparison.Ordinal);
            Assert.Equal(0, (await CliRunner.RunAsync("verify", "--checkpoint", file, "--public-key", answer.Data.GetProperty("publicKey").GetString()!, "--proof-root", "0x" + root)).Code);

            var otherRoot = await CliRunner.RunAsync("verify", "--checkpoint", file, "--public-key", vkey, "--proof-root", new string('b', 64));
            Assert.Equal(1, otherRoot.Code);
            Assert.Contains("2. proof root: FAILED", otherRoot.Output, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, answer.Raw.Replace("\"deltaCount\":2", "\"deltaCount\":3", StringComparison.Ordinal));
            var changed = await CliRunner.RunAsync("verify", "--checkpoint", file, "--public-key", vkey);
            Assert.Equal(1, changed.Code);
            Assert.Contains("3. statement signature: FAILED", changed.Output, StringComparison.Ordinal);

            // A receipt check still needs its receipt.
            Assert.Equal(2, (await CliRunner.RunAsync("verify", "--delta", file, "--public-key", vkey)).Code);
            Assert.Equal(2, (await CliRunner.RunAsync("verify", "--delta", file, "--checkpoint", file, "--public-key", vkey)).Code);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("/verify/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HttpStatusCode.NotFound)]
    [InlineData("/verify/0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/rcp_00000000000000000000000000", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/rcp_01k00000000000000000000000", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/not-a-receipt", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/%FF%FE%C0%AF", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/rcp_%2F..%2F..", HttpStatusCode.NotFound)]
    [InlineData("/verify/receipt/a/b", HttpStatusCode.NotFound)]
    [InlineData("/verify/0x%2Fab", HttpStatusCode.BadRequest)]
    [InlineData("/verify/%zz%", HttpStatusCode.BadRequest)]
    [InlineData("/verify/%FF%FE", HttpStatusCode.BadRequest)]
    [InlineData("/verify/%E2%80%AE%F0%9F%92%A5", HttpStatusCode.BadRequest)]
    [InlineData("/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E", HttpStatusCode.BadRequest)]
    [InlineData("/verify/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest)]
    [InlineData("/verify/receipt", HttpStatusCode.BadRequest)]
    [InlineData("/verify/a/b/c", HttpStatusCode.NotFound)]
    [InlineData("/verify/", HttpStatusCode.OK)]
    [InlineData("/verify?id=%3Cb%3Enot-an-id", HttpStatusCode.BadRequest)]
    [InlineData("/verify?id=rcp_%00", HttpStatusCode.BadRequest)]
    public async Task VerifyPages_UnknownOrMalformedPath_HtmlPageNeverA500(string path, HttpStatusCode expected)
    {
        using var http = new HttpClient();
        var (_, html) = await GetPageAsync(http, Stack.Url(Role.Sandbox).ToString().TrimEnd('/') + path, expected);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("proof-data", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPages_LongPathOtherMethodsAndNul_AnsweredWithoutAServerError()
    {
        using var http = new HttpClient();
        var plane = Stack.Url(Role.Sandbox).ToString().TrimEnd('/');
        var (_, html) = await GetPageAsync(http, plane + "/verify/" + new string('f', 4000), HttpStatusCode.BadRequest);
        Assert.Contains("This is not a proof root", html, StringComparison.Ordinal);

        using var post = await http.PostAsync(plane + "/verify/" + new string('a', 64), new StringContent("x"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("text/html", post.Content.Headers.ContentType!.MediaType);

        foreach (var (path, expected) in new[] { ("/verify/" + new string('a', 64), HttpStatusCode.NotFound), ("/verify", HttpStatusCode.OK), ("/verify-assets/verify.js", HttpStatusCode.OK) })
        {
            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, plane + path));
            Assert.Equal(expected, head.StatusCode);
        }

        using var missingAsset = await http.GetAsync(plane + "/verify-assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missingAsset.StatusCode);

        // A NUL in the path is refused by the server before any route (400, no page): still no 500.
        foreach (var path in new[] { "/verify/%00", "/verify/receipt/%00" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(plane + path, in AsWritten));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    /// <summary>GETs a page as written (no canonicalisation of the path) and checks what every verification page must carry.</summary>
    internal static async Task<(HttpResponseMessage Response, string Html)> GetPageAsync(HttpClient http, string url, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, in AsWritten));
        request.Headers.Accept.ParseAdd("text/html");
        var response = await http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: {(int)response.StatusCode} {html[..Math.Min(html.Length, 400)]}");
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        // Nothing inline: every script is the page's own file or inert JSON, and no element carries a style.
        Assert.All(ScriptTag().Matches(html), m => Assert.True(m.Value.Contains(" src=\"/verify-assets/", StringComparison.Ordinal)
            || m.Value.Contains("type=\"application/json\"", StringComparison.Ordinal), m.Value));
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        return (response, html);
    }

    internal static JsonElement ProofData(string html)
    {
        var match = ProofDataBlock().Match(html);
        Assert.True(match.Success, "no proof data on the page");
        return JsonDocument.Parse(match.Groups["json"].Value).RootElement.Clone();
    }

    [GeneratedRegex("""<script type="application/json" id="proof-data">(?<json>.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex ProofDataBlock();

    [GeneratedRegex("""<script\b[^>]*>""")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("(?:src|href)=\"(?<url>/verify-assets/[^\"]+)\" integrity=\"(?<sri>[^\"]+)\"")]
    private static partial Regex AssetReference();
}
