using System.Net;
using Microsoft.Playwright;
using PacSpace.Cli;

namespace PacSpace.BrowserTests;

/// <summary>The path a new customer takes, end to end in the browser, as the issue lists it.</summary>
public sealed class JourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Journey_SignUpToLiveKey_EveryCueAndStepHolds()
    {
        await using var site = await Site.StartAsync(browser.Browser, o => FastActivationRetries(o, attempts: 40));
        var page = await site.NewPageAsync();
        var email = await site.SignUpAndLogInAsync(page);

        // Sandbox: the exact banner, no indicator; the free plan shows the lock, which leads to the plan page.
        await Site.ExpectEnvironmentAsync(page, "sandbox");
        await ExpectStepAsync(page, "verify", done: true);
        await ExpectStepAsync(page, "upgrade", done: false);
        await ExpectStepAsync(page, "activate", done: false);
        await Site.ScreenshotAsync(page, "overview-sandbox");
        var locked = page.GetByTestId("production-locked");
        await Assertions.Expect(locked).ToBeVisibleAsync();
        await Assertions.Expect(locked.Locator("svg.lock")).ToHaveCountAsync(1);
        await locked.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(site.BaseUrl + "/settings#plan");

        // Upgrade: the lock goes, Production becomes a real choice.
        await page.GetByRole(AriaRole.Radio, new() { Name = "pilot" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change plan" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("current-plan")).ToHaveTextAsync("pilot");
        await Assertions.Expect(page.GetByTestId("production-locked")).ToHaveCountAsync(0);

        // Activate Production while its plane is down, so the page must show progress and then update by itself.
        await site.Stack.StopAsync(Role.Production);
        await page.GetByTestId("activate-production").ClickAsync();
        await Assertions.Expect(page.GetByTestId("production-status")).ToHaveTextAsync("Activating…");
        await Assertions.Expect(page.Locator("progress")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await site.Stack.StartAsync(Role.Production);
        await Assertions.Expect(page.GetByTestId("production-status")).ToHaveTextAsync("Active", new() { Timeout = 20_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the status changed through a reload");
        await Assertions.Expect(page.Locator("progress")).ToBeHiddenAsync();

        await page.GotoAsync("/");
        await ExpectStepAsync(page, "upgrade", done: true);
        await ExpectStepAsync(page, "activate", done: true);
        await ExpectStepAsync(page, "live-key", done: false);

        // Toggle to Production: green indicator, no banner.
        await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Production" }).ClickAsync();
        await Site.ExpectEnvironmentAsync(page, "production");

        // The preference is on the account: a second browser context opens in Production.
        var other = await site.NewPageAsync();
        await site.LogInAsync(other, email);
        await Site.ExpectEnvironmentAsync(other, "production");

        // A live key: the secret once, with the warning; gone after a reload.
        await page.GotoAsync("/api-keys");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Billing service");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = page.GetByTestId("new-secret");
        await Assertions.Expect(secret).ToContainTextAsync("You will not see this again");
        var fullKey = (await page.GetByTestId("new-key-value").TextContentAsync())!.Trim();
        Assert.Matches(Site.LiveKey(), fullKey);
        await Site.ScreenshotAsync(page, "api-keys-new-secret");
        Assert.Equal(HttpStatusCode.OK, await WhoAmIAsync(site, fullKey));

        // The copy button puts exactly the key on the clipboard.
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await secret.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        Assert.Equal(fullKey, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("new-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(fullKey.Split('.')[1], await page.ContentAsync(), StringComparison.Ordinal);
        var row = page.Locator("tr", new() { HasText = "Billing service" });
        await Assertions.Expect(row.GetByTestId("key-state")).ToHaveTextAsync("active");

        // Revoke, with the confirmation step; the plane refuses the key from then on.
        await row.GetByText("Manage").ClickAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "Revoke…" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Revoke “Billing service”?" })).ToBeVisibleAsync();
        await page.GetByTestId("confirm-revoke").ClickAsync();
        await Assertions.Expect(page.Locator("tr", new() { HasText = "Billing service" }).GetByTestId("key-state")).ToHaveTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmIAsync(site, fullKey));

        await page.GotoAsync("/");
        await ExpectStepAsync(page, "live-key", done: true);
    }

    /// <summary>Activation retries a few times a second, so a stopped plane fails (or recovers) within seconds.</summary>
    private static void FastActivationRetries(StackOptions options, int attempts)
    {
        options.Overrides["Provisioning:InitialBackoff"] = "00:00:00.100";
        options.Overrides["Provisioning:MaxBackoff"] = "00:00:00.300";
        options.Overrides["Provisioning:MaxAttempts"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task ExpectStepAsync(IPage page, string step, bool done) =>
        Assertions.Expect(page.Locator($"[data-step={step}]")).ToHaveAttributeAsync("data-done", done ? "true" : "false");

    [Fact]
    public async Task Activation_PlaneDown_FailureReasonThenRetryReachesActive()
    {
        await using var site = await Site.StartAsync(browser.Browser, o => FastActivationRetries(o, attempts: 2));
        var page = await site.NewPageAsync();
        await site.SignUpAndLogInAsync(page);
        await page.GotoAsync("/settings");
        await page.GetByRole(AriaRole.Radio, new() { Name = "growth" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Change plan" }).ClickAsync();

        await site.Stack.StopAsync(Role.Production);
        await page.GetByTestId("activate-production").ClickAsync();
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await Assertions.Expect(page.GetByTestId("production-status")).ToHaveTextAsync("Failed", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByTestId("failure-reason")).Not.ToBeEmptyAsync();
        var retry = page.GetByTestId("activate-production");
        await Assertions.Expect(retry).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
        await Site.ScreenshotAsync(page, "settings-activation-failed");

        await site.Stack.StartAsync(Role.Production);
        await retry.ClickAsync();
        await Assertions.Expect(page.GetByTestId("production-status")).ToHaveTextAsync("Active", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Settings_OperatorBilling_ShowsContactUsAndNoPlanForm()
    {
        await using var site = await Site.StartAsync(browser.Browser, o => o.Overrides["Billing:Mode"] = "Operator");
        var page = await site.NewPageAsync();
        await site.SignUpAndLogInAsync(page);
        await page.GotoAsync("/settings");
        await Assertions.Expect(page.GetByTestId("contact-us")).ToContainTextAsync("Contact us");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Change plan" })).ToHaveCountAsync(0);
    }

    private static async Task<HttpStatusCode> WhoAmIAsync(Site site, string key)
    {
        using var client = site.Stack.PlaneClient(Role.Production);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/whoami");
        request.Headers.Add("X-Api-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
