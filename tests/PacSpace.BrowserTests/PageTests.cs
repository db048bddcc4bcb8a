using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.BrowserTests;

/// <summary>Every signed-in page, in both environments: header toggle, the right cue, headers, contrast, phone width, no script.</summary>
public sealed class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] SignedInPages =
        ["/", "/customers", "/deltas", "/checkpoints", "/records", "/usage", "/api-keys", "/webhooks", "/audit-log", "/settings", "/security", "/two-factor"];

    [Fact]
    public async Task EveryPage_BothEnvironments_ToggleAndMatchingCue()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var (page, session) = await ProductionReadyAsync(site);
        var keyId = await CreateTestKeyAsync(site, session);
        string[] pages = [.. SignedInPages, $"/api-keys/{keyId}/revoke"];

        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            await Site.ExpectEnvironmentAsync(page, "sandbox");
        }

        await Site.ScreenshotAsync(page, "revoke-confirm-sandbox");
        await page.GotoAsync("/");
        await Site.ScreenshotAsync(page, "overview-sandbox-ready");
        await page.GotoAsync("/api-keys");
        await Site.ScreenshotAsync(page, "api-keys-sandbox");
        await page.GotoAsync("/settings");
        await Site.ScreenshotAsync(page, "settings-sandbox");

        // Switch with the keyboard: the toggle's buttons take focus and Enter.
        await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Production" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Site.ExpectEnvironmentAsync(page, "production");
        Assert.EndsWith("/settings", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        foreach (var path in SignedInPages)
        {
            await page.GotoAsync(path);
            await Site.ExpectEnvironmentAsync(page, "production");
            await Site.ScreenshotAsync(page, (path == "/" ? "overview" : path.Trim('/')) + "-production");
        }

        // The sandbox key is not listed among Production's keys, and its revoke page still shows the production cue.
        await page.GotoAsync("/api-keys");
        await Assertions.Expect(page.GetByTestId("keys-table")).ToHaveCountAsync(0);
        await page.GotoAsync($"/api-keys/{keyId}/revoke");
        await Site.ExpectEnvironmentAsync(page, "production");
    }

    [Fact]
    public async Task Pages_WithoutJavaScript_FormsPostAndRedirect()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var session = await site.Stack.Dashboard.ReadyTenantAsync();
        var page = await site.NewPageAsync(javaScript: false);
        await site.LogInAsync(page, session.Email);
        await Site.ExpectEnvironmentAsync(page, "sandbox");

        await page.GotoAsync("/api-keys");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("No script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        Assert.EndsWith("/api-keys", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("new-key-value")).ToContainTextAsync("pk_test_");

        var row = page.Locator("tr", new() { HasText = "No script" });
        await row.GetByText("Manage").ClickAsync();
        await row.GetByLabel("New name").FillAsync("Still no script");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        row = page.Locator("tr", new() { HasText = "Still no script" });
        await row.GetByText("Manage").ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Still no script" }).GetByTestId("key-state")).ToHaveTextAsync("disabled");

        row = page.Locator("tr", new() { HasText = "Still no script" });
        await row.GetByText("Manage").ClickAsync();
        await row.GetByLabel("Old key keeps working for").SelectOptionAsync("0");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-key-value")).ToContainTextAsync("pk_test_");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Still no script (rotated)" }).GetByTestId("key-state")).ToHaveTextAsync("active");

        // The plan form and the toggle are plain forms too.
        await page.GotoAsync("/settings");
        await page.GetByRole(AriaRole.Radio, new() { Name = "starter" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change plan" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("current-plan")).ToHaveTextAsync("starter");

        // Production is unlocked but not active: the toggle says why instead of switching.
        await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Production" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash-error")).ToContainTextAsync("not active");
        await Site.ExpectEnvironmentAsync(page, "sandbox");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in to PacSpace" })).ToBeVisibleAsync();
        await page.GotoAsync("/api-keys");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAddress_InTheBrowser_IsAPageWithAWayBack_WhileApiPathsKeepTheJsonEnvelope()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var page = await site.NewPageAsync();

        var missing = await page.GotoAsync("/settings/old-link");
        Assert.Equal(404, missing!.Status);
        Assert.StartsWith("text/html", (await missing.AllHeadersAsync())["content-type"], StringComparison.Ordinal);
        Assert.Equal("Page not found", await page.Locator("h1").InnerTextAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Go to the dashboard" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"^[^?#]+://[^/]+/login([?#].*)?$"));

        // Under the API prefixes a browser gets what an API client gets.
        var api = await page.GotoAsync("/dashboard/no-such-route");
        Assert.Equal(404, api!.Status);
        var envelope = JsonDocument.Parse(await api.TextAsync()).RootElement;
        Assert.Equal("NOT_FOUND", envelope.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task EveryPage_SecurityHeadersAndNoInlineScriptOrCspViolation()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var (page, _) = await ProductionReadyAsync(site);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };

        string[] paths = ["/login", "/signup", "/verify-email?token=nope", "/forgot-password", "/reset-password?token=nope", "/no-such-page", .. SignedInPages];
        foreach (var path in paths)
        {
            var response = await page.GotoAsync(path);
            var headers = await response!.AllHeadersAsync();
            var csp = headers["content-security-policy"];
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", headers["x-content-type-options"]);
            Assert.Equal("DENY", headers["x-frame-options"]);
            Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('script:not([src]), [style], [onclick], [onload]').length"));
            Assert.Equal(0, await page.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('script[src], link[href]')].filter(e => new URL(e.src || e.href, location.href).origin !== location.origin && !(e.href || '').startsWith('data:')).length"));
        }

        Assert.Empty(violations);
    }

    [Fact]
    public async Task Cues_ColourContrastAtLeastAA_AndPhoneWidthHasNoSideScroll()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var (page, session) = await ProductionReadyAsync(site);
        await CreateTestKeyAsync(site, session);
        await site.Stack.Dashboard.CreateWebhookAsync(session, "sandbox", "https://203.0.113.10/a/rather/long/path/for/a/webhook/receiver/at/phone/width");
        var phone = await site.NewPageAsync(width: 375, height: 740);
        await site.LogInAsync(phone, session.Email);

        foreach (var env in new[] { "sandbox", "production" })
        {
            foreach (var path in SignedInPages)
            {
                await page.GotoAsync(path);
                foreach (var (selector, ratio) in await ContrastAsync(page))
                {
                    Assert.True(ratio >= 4.5, $"{env} {path}: {selector} has contrast {ratio:0.00}, below 4.5:1");
                }

                await phone.GotoAsync(path);
                var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 0, $"{env} {path}: {overflow}px wider than a 375px screen");
                await Assertions.Expect(phone.GetByRole(AriaRole.Group, new() { Name = "Environment" })).ToBeInViewportAsync();
            }

            if (env == "sandbox")
            {
                await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Production" }).ClickAsync();
                await Site.ExpectEnvironmentAsync(page, "production");
            }
        }

        await phone.GotoAsync("/");
        await Site.ScreenshotAsync(phone, "overview-production-phone");
    }

    private static readonly string[] CueSelectors =
        ["[data-testid=sandbox-banner]", "[data-testid=production-indicator]", ".env-option", "main p", "main h1", "nav a", ".hint", ".status", "button.primary", "footer p"];

    /// <summary>WCAG 2 contrast of the text against the first opaque background behind it, for the cues and ordinary text (or the given elements).</summary>
    internal static async Task<IReadOnlyList<(string Selector, double Ratio)>> ContrastAsync(IPage page, string[]? selectors = null)
    {
        const string script = """
            selectors => {
              const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
              const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
              const background = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
              const out = [];
              for (const s of selectors) for (const el of document.querySelectorAll(s)) {
                if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
                const fg = parse(getComputedStyle(el).color), bg = background(el);
                const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
                out.push([s + ' "' + el.textContent.trim().slice(0, 30) + '"', (hi + 0.05) / (lo + 0.05)]);
              }
              return JSON.stringify(out);
            }
            """;
        var json = await page.EvaluateAsync<string>(script, selectors ?? CueSelectors);
        var pairs = JsonSerializer.Deserialize<JsonElement[][]>(json)!;
        Assert.NotEmpty(pairs);
        return pairs.Select(p => (p[0].GetString()!, p[1].GetDouble())).ToList();
    }

    /// <summary>A user on a paid plan with Production active, logged in through the form, preference still Sandbox.</summary>
    private static async Task<(IPage Page, Session Session)> ProductionReadyAsync(Site site)
    {
        var session = await site.Stack.Dashboard.ReadyTenantAsync();
        await site.Stack.Dashboard.ActivateProductionAsync(session);
        var page = await site.NewPageAsync();
        await site.LogInAsync(page, session.Email);
        return (page, session);
    }

    private static async Task<string> CreateTestKeyAsync(Site site, Session session)
    {
        var created = await site.Stack.Dashboard.PostAsync("/dashboard/api-keys", new { name = "Sandbox worker", environment = "test" }, session);
        return created.Data.GetProperty("id").GetString()!;
    }
}
