using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.BrowserTests;

/// <summary>
/// The planes' public verification pages in Chromium: the proof of a period checkpoint and of a receipt is checked by the
/// page's own script with WebCrypto, and one changed value in the embedded proof (served through a route that alters the
/// page on its way) fails the check that covers it, by name. Strict policy: no violation, nothing inline.
/// </summary>
public sealed partial class VerifyPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task PeriodPage_VerifiedInTheBrowser_AndEachAlteredPartFailsByName()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var key = await TestKeyAsync(site);
        await EmitAsync(site, key, ("acme", 120), ("acme", -20), ("globex", 7));
        // The window starts after these three, so its consistency proof (from size 3) has hashes to check.
        await Task.Delay(20);
        var start = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await EmitAsync(site, key, ("acme", -15), ("globex", -2), ("initech", 40));
        var window = $$"""{"customerId":"acme","startDate":"{{start:O}}","endDate":"{{start.AddHours(1):O}}"}""";
        var checkpoint = await site.Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key, window);
        Assert.True(checkpoint.Status == HttpStatusCode.Created, checkpoint.ToString());
        Assert.Equal((3L, 6L), (checkpoint.Data.GetProperty("fromSize").GetInt64(), checkpoint.Data.GetProperty("toSize").GetInt64()));
        var root = checkpoint.Data.GetProperty("proofRoot").GetString()!;
        var url = checkpoint.Data.GetProperty("verifyUrl").GetString()!;
        Assert.Equal(site.Stack.Url(Role.Sandbox).ToString().TrimEnd('/') + "/verify/" + root, url);

        var page = await site.NewPageAsync();
        var violations = WatchConsole(page);
        var response = await page.GotoAsync(url);
        await ExpectVerifiedAsync(page, 6);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Period statement");
        await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-step=consistency] .step-detail")).ToContainTextAsync("extends the log at size 3");
        await ExpectStrictPageAsync(page, response!);

        // A customer checks its own closing balance with the checkpoint answer it holds: found under the signed balances root.
        var balance = page.Locator("#balance-status");
        await page.GetByLabel("Balance proof or invoice proof (JSON)").FillAsync(checkpoint.Raw);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the closing balance" }).ClickAsync();
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-verified", "true");
        await Assertions.Expect(balance).ToContainTextAsync("Customer acme closes the period at 85");
        await Site.ScreenshotAsync(page, "verify-checkpoint");

        await page.GetByLabel("Customer id").FillAsync("globex");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the closing balance" }).ClickAsync();
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-verified", "false");
        await Assertions.Expect(balance).ToContainTextAsync("the leaf is not the leaf of customer globex");

        var leaf = checkpoint.Data.GetProperty("customer").GetProperty("balanceProof").GetProperty("leaf").GetString()!;
        await page.GetByLabel("Customer id").FillAsync("");
        await page.GetByLabel("Balance proof or invoice proof (JSON)").FillAsync(checkpoint.Raw.Replace(leaf, leaf[..^2] + "56", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the closing balance" }).ClickAsync();
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-verified", "false");
        await Assertions.Expect(balance).ToContainTextAsync("the balance proof does not lead from leaf");

        // One changed value each, in the proof embedded in the page: the check that covers it fails, and says so.
        var failures = new (string What, Action<JsonObject> Alter, string Message)[]
        {
            ("statement", d => d["periodStatement"]!["deltaCount"] = d["periodStatement"]!["deltaCount"]!.GetValue<long>() + 1,
                "the period statement's signature does not verify with the log's key"),
            ("head signature", d => d["checkpoint"] = FlipSignatureByte(d["checkpoint"]!.GetValue<string>()), "signature does not verify with the log's key"),
            ("statement signature", d => d["signature"] = FlipBase64Byte(d["signature"]!.GetValue<string>(), 20),
                "the period statement's signature does not verify with the log's key"),
            ("consistency proof", d => d["consistency"]!["proof"]![0] = FlipHex(d["consistency"]!["proof"]![0]!.GetValue<string>()),
                "the consistency proof from the previous checkpoint does not hold"),
            ("public key", d => d["publicKey"] = FlipBase64Byte(d["publicKey"]!.GetValue<string>(), 5), "the verifier key does not match the log's public key"),
            ("server's word", d => { d["verified"] = true; d["checkpoint"] = FlipSignatureByte(d["checkpoint"]!.GetValue<string>()); },
                "signature does not verify with the log's key"),
        };
        foreach (var (what, alter, message) in failures)
        {
            var text = await OpenAlteredAsync(page, url, alter);
            Assert.True(text.Contains(message, StringComparison.Ordinal), $"{what}: {text}");
            await Assertions.Expect(page.Locator("#verify-steps [data-result=failed]")).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.Locator("#balance-form")).ToBeHiddenAsync();
        await Site.ScreenshotAsync(page, "verify-failed");

        // A figure changed only where the page shows it, not in the proof: once verified, the page shows the verified one.
        await page.RouteAsync(url, async route =>
        {
            var original = await route.FetchAsync();
            var html = (await original.TextAsync()).Replace("data-checked=\"statement:deltaCount\">3<", "data-checked=\"statement:deltaCount\">4<", StringComparison.Ordinal);
            await route.FulfillAsync(new() { Response = original, Body = html });
        });
        await page.GotoAsync(url);
        await page.UnrouteAsync(url);
        await ExpectVerifiedAsync(page, 6);
        await Assertions.Expect(page.Locator("[data-checked='statement:deltaCount']")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-checked='head:size']")).ToHaveTextAsync("6");

        // Another genuine checkpoint's page served at this proof root's address: everything is signed, but not this root.
        var earlier = await site.Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/balance/checkpoint", key,
            $$"""{"startDate":"{{start.AddDays(-1):O}}","endDate":"{{start:O}}"}""");
        using (var http = new HttpClient())
        {
            var otherHtml = await http.GetStringAsync(earlier.Data.GetProperty("verifyUrl").GetString());
            await page.RouteAsync(url, route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = otherHtml }));
            await page.GotoAsync(url);
            await page.UnrouteAsync(url);
        }

        await Assertions.Expect(page.Locator("#verify-status")).ToHaveAttributeAsync("data-verified", "false");
        await Assertions.Expect(page.Locator("#verify-status")).ToContainTextAsync("proof root does not match the signed head");

        // The same page through the one origin: the checkpoint asked for there names that address, and its page and script come from it.
        using (var viaOrigin = new HttpClient { BaseAddress = new Uri(site.BaseUrl) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/balance/checkpoint") { Content = new StringContent(window, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", key);
            using var answer = await viaOrigin.SendAsync(request);
            var data = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
            Assert.Equal(site.BaseUrl + "/verify/" + root, data.GetProperty("verifyUrl").GetString());
        }

        response = await page.GotoAsync(site.BaseUrl + "/verify/" + root);
        await ExpectVerifiedAsync(page, 6);
        await ExpectStrictPageAsync(page, response!);

        // Unknown root: the plane's 404 page, through the one origin as well.
        response = await page.GotoAsync(site.BaseUrl + "/verify/" + new string('e', 64));
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No checkpoint has this proof root" })).ToBeVisibleAsync();
        await ExpectStrictPageAsync(page, response);

        // Without JavaScript: nothing is claimed, and the page says how to check offline.
        var noScript = await site.NewPageAsync(javaScript: false);
        await noScript.GotoAsync(url);
        var status = noScript.Locator("#verify-status");
        await Assertions.Expect(status).ToContainTextAsync("This check needs JavaScript");
        Assert.Null(await status.GetAttributeAsync("data-verified"));
        await Assertions.Expect(noScript.GetByRole(AriaRole.Heading, new() { Name = "Verify offline" })).ToBeVisibleAsync();
        await Assertions.Expect(noScript.Locator("pre code")).ToContainTextAsync("pacspace verify --checkpoint checkpoint.json --public-key");
        await Assertions.Expect(noScript.Locator("#balance-form")).ToBeHiddenAsync();
        // What the server rendered is what the script writes from the verified proof, value for value.
        await page.GotoAsync(url);
        await ExpectVerifiedAsync(page, 6);
        Assert.Equal(await CheckedTextsAsync(noScript), await CheckedTextsAsync(page));
        Assert.Equal(14, (await CheckedTextsAsync(page)).Count);

        // Contrast of the result, the steps and ordinary text; a phone shows it without scrolling sideways.
        await page.GotoAsync(url);
        await ExpectVerifiedAsync(page, 6);
        foreach (var (selector, ratio) in await PageTests.ContrastAsync(page,
                     ["#verify-status strong", "#verify-status p", "label", "form .hint", ".step-name", ".step-result", ".step-detail", "main p", "main h1", "main h2", "dt", "dd", "[data-testid=sandbox-banner]", "[data-testid=environment]", "footer p"]))
        {
            Assert.True(ratio >= 4.5, $"{selector} has contrast {ratio:0.00}, below 4.5:1");
        }

        var phone = await site.NewPageAsync(width: 375, height: 740);
        await phone.GotoAsync(url);
        await ExpectVerifiedAsync(phone, 6);
        Assert.True(await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, "wider than a 375px screen");

        Assert.Empty(violations);
    }

    [Fact]
    public async Task ReceiptPage_VerifiedInTheBrowser_AndAnAlteredLeafProofOrSignatureFailsByName()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var key = await TestKeyAsync(site);
        var ids = await EmitAsync(site, key, ("acme", 5), ("acme", -1), ("globex", 9), ("acme", 3), ("initech", -4));
        var status = await site.Stack.DeltaStatusAsync(Role.Sandbox, key, ids[2]);
        var path = status.Data.GetProperty("proof").GetProperty("verifyUrl").GetString()!;
        Assert.Equal("/verify/receipt/" + status.Data.GetProperty("receiptId").GetString(), path);
        var url = site.Stack.Url(Role.Sandbox).ToString().TrimEnd('/') + path;

        var page = await site.NewPageAsync();
        var violations = WatchConsole(page);
        var response = await page.GotoAsync(url);
        await ExpectVerifiedAsync(page, 5);
        await Assertions.Expect(page.Locator("[data-step=inclusion] .step-detail")).ToContainTextAsync("leaf 2 is in the signed tree");
        await Assertions.Expect(page.Locator("[data-step=entry] .step-detail")).ToContainTextAsync("balance after 9");
        await ExpectStrictPageAsync(page, response!);
        await Site.ScreenshotAsync(page, "verify-receipt");

        var failures = new (string What, Action<JsonObject> Alter, string Message)[]
        {
            ("leaf", d => d["entry"] = FlipBase64Byte(d["entry"]!.GetValue<string>(), 30), "leaf 2 hash does not match the entry"),
            ("content hash", d => d["entry"] = FlipBase64Byte(d["entry"]!.GetValue<string>(), 50), "the entry does not commit to the content hash shown"),
            ("inclusion proof", d => d["inclusionProof"]![1] = FlipHex(d["inclusionProof"]![1]!.GetValue<string>()),
                "the inclusion proof does not lead from leaf 2 to the signed root"),
            ("head signature", d => d["checkpoint"] = FlipSignatureByte(d["checkpoint"]!.GetValue<string>()), "signature does not verify with the log's key"),
            ("tree size", d => d["treeSize"] = d["treeSize"]!.GetValue<long>() + 1, "the signed head is for tree size 5, the proof for 6"),
        };
        foreach (var (what, alter, message) in failures)
        {
            var text = await OpenAlteredAsync(page, url, alter);
            Assert.True(text.Contains(message, StringComparison.Ordinal), $"{what}: {text}");
        }

        // A figure changed only where the page shows it is replaced by the verified one; the genuine page shows the same values either way.
        await page.RouteAsync(url, async route =>
        {
            var original = await route.FetchAsync();
            var html = (await original.TextAsync()).Replace("data-checked=\"entry:balanceAfter\">9<", "data-checked=\"entry:balanceAfter\">900<", StringComparison.Ordinal);
            await route.FulfillAsync(new() { Response = original, Body = html });
        });
        await page.GotoAsync(url);
        await page.UnrouteAsync(url);
        await ExpectVerifiedAsync(page, 5);
        await Assertions.Expect(page.Locator("[data-checked='entry:balanceAfter']")).ToHaveTextAsync("9");
        var noScript = await site.NewPageAsync(javaScript: false);
        await noScript.GotoAsync(url);
        Assert.Equal(await CheckedTextsAsync(noScript), await CheckedTextsAsync(page));
        Assert.Equal(12, (await CheckedTextsAsync(page)).Count);

        // A browser without Ed25519 in WebCrypto is told so, and nothing is claimed either way.
        var old = await site.NewPageAsync();
        await old.AddInitScriptAsync("""
            const importKey = crypto.subtle.importKey.bind(crypto.subtle);
            crypto.subtle.importKey = (format, key, algorithm, ...rest) => algorithm && algorithm.name === 'Ed25519'
              ? Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'))
              : importKey(format, key, algorithm, ...rest);
            """);
        await old.GotoAsync(url);
        await Assertions.Expect(old.Locator("#verify-status")).ToHaveAttributeAsync("data-verified", "unsupported");
        await Assertions.Expect(old.Locator("#verify-status")).ToContainTextAsync("Your browser cannot check Ed25519 signatures");
        await Assertions.Expect(old.Locator("#verify-steps [data-result]")).ToHaveCountAsync(0);

        // A record entry's receipt page is checked the same way.
        var transition = await site.Stack.SendAsync(Role.Sandbox, HttpMethod.Post, "/api/v1/records/machine-action-record/deploy-7/transitions", key,
            """{"lifecycle":"recorded","content":{"title":"Deployed","occurredAt":"2026-10-01T12:00:00Z","actorId":"ci","payloads":[]}}""");
        Assert.True(transition.Status == HttpStatusCode.Created, transition.ToString());
        var record = await KeyTestKit.EventuallyAsync(
            () => site.Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/records/machine-action-record/deploy-7/receipts/0", key),
            a => a.Status == HttpStatusCode.OK && a.Data.GetProperty("status").GetString() == "committed", Soon, "the record entry committed");
        await page.GotoAsync(site.Stack.Url(Role.Sandbox).ToString().TrimEnd('/') + record.Data.GetProperty("verifyUrl").GetString());
        await ExpectVerifiedAsync(page, 5);
        await Assertions.Expect(page.Locator("[data-step=entry] .step-detail")).ToContainTextAsync("record entry");

        Assert.Empty(violations);
    }

    /// <summary>The values shown in the places the script fills from the verified proof, by place.</summary>
    private static async Task<Dictionary<string, string>> CheckedTextsAsync(IPage page)
    {
        var pairs = await page.Locator("[data-checked]").EvaluateAllAsync<string[][]>("els => els.map(e => [e.dataset.checked, e.textContent.trim()])");
        return pairs.ToDictionary(p => p[0], p => p[1]);
    }

    private static async Task<string> TestKeyAsync(Site site)
    {
        var session = await site.Stack.Dashboard.ReadyTenantAsync();
        return (await site.Stack.Dashboard.CreateKeyAsync(session)).FullKey;
    }

    private static async Task<List<string>> EmitAsync(Site site, string key, params (string Customer, long Amount)[] deltas)
    {
        var ids = new List<string>();
        foreach (var (customer, amount) in deltas)
        {
            var answer = await site.Stack.EmitAsync(Role.Sandbox, key, JsonSerializer.Serialize(new { customerId = customer, delta = amount, reason = "usage" }));
            Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
            ids.Add(answer.Data.GetProperty("recordId").GetString()!);
        }

        foreach (var id in ids)
        {
            await site.Stack.VerifiedAsync(Role.Sandbox, key, id);
        }

        return ids;
    }

    private static List<string> WatchConsole(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("integrity", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(message.Text);
            }
        };
        page.PageError += (_, error) => problems.Add(error);
        return problems;
    }

    private static async Task ExpectVerifiedAsync(IPage page, int steps)
    {
        var status = page.Locator("#verify-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-verified", "true", new() { Timeout = 10_000 });
        await Assertions.Expect(status).ToContainTextAsync("Verified in your browser");
        await Assertions.Expect(status).ToHaveAttributeAsync("role", "status");
        await Assertions.Expect(page.Locator("#verify-steps [data-result=ok]")).ToHaveCountAsync(steps);
    }

    /// <summary>The policy header, and nothing on the page that it would have to allow: no inline script or style, nothing from elsewhere.</summary>
    private static async Task ExpectStrictPageAsync(IPage page, IResponse response)
    {
        var headers = await response.AllHeadersAsync();
        var csp = headers["content-security-policy"];
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", headers["referrer-policy"]);
        Assert.False(headers.ContainsKey("set-cookie"));
        Assert.Empty(await page.Context.CookiesAsync());
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => document.querySelectorAll('script:not([src]):not([type=\"application/json\"]), [style], style, [onclick], [onload], [onerror]').length"));
        Assert.Equal(0, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('script[src], link[href]')].filter(e => new URL(e.src || e.href, location.href).origin !== location.origin && !(e.href || '').startsWith('data:')).length"));
    }

    /// <summary>Opens the page with one value of its embedded proof changed on the way; returns what the status says once the check failed.</summary>
    private static async Task<string> OpenAlteredAsync(IPage page, string url, Action<JsonObject> alter)
    {
        await page.RouteAsync(url, async route =>
        {
            var original = await route.FetchAsync();
            var html = ProofData().Replace(await original.TextAsync(), m =>
            {
                var data = JsonNode.Parse(m.Groups["json"].Value)!.AsObject();
                alter(data);
                return m.Value.Replace(m.Groups["json"].Value, data.ToJsonString(), StringComparison.Ordinal);
            });
            await route.FulfillAsync(new() { Response = original, Body = html });
        });
        await page.GotoAsync(url);
        await page.UnrouteAsync(url);
        var status = page.Locator("#verify-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-verified", "false");
        await Assertions.Expect(status).ToContainTextAsync("Not verified");
        return await status.InnerTextAsync();
    }

    /// <summary>One byte of the Ed25519 signature in a note's signature line (after the 4-byte key id) flipped.</summary>
    private static string FlipSignatureByte(string note)
    {
        var lines = note.TrimEnd('\n').Split('\n');
        var space = lines[^1].LastIndexOf(' ');
        lines[^1] = lines[^1][..(space + 1)] + FlipBase64Byte(lines[^1][(space + 1)..], 30);
        return string.Join('\n', lines) + "\n";
    }

    private static string FlipBase64Byte(string base64, int index)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[index] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }

    private static string FlipHex(string hex) =>
        (hex[0] == '0' ? '1' : '0').ToString(CultureInfo.InvariantCulture) + hex[1..];

    [GeneratedRegex("""<script type="application/json" id="proof-data">(?<json>.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex ProofData();
}
