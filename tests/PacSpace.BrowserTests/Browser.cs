using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.BrowserTests;

/// <summary>
/// Headless Debian Chromium driven by Playwright, over a real stack (the composition <c>pacspace up</c> runs) on
/// SQLite. One browser per test class; every test makes its own contexts and its own user.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("PACSPACE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium not found at {ChromiumPath}. ./test.sh installs Debian's chromium package; or set PACSPACE_CHROMIUM.");
        }

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}

/// <summary>A stack plus the browser-side steps every scenario needs.</summary>
public sealed partial class Site(TestStack stack, IBrowser browser) : IAsyncDisposable
{
    public const string Password = "correct-horse-battery-9";
    public const string BannerText = "Sandbox Mode — Data here is for testing only and does not affect production.";

    public TestStack Stack { get; } = stack;

    public string BaseUrl { get; } = stack.Url(Role.Dashboard).ToString().TrimEnd('/');

    public static async Task<Site> StartAsync(IBrowser browser, Action<StackOptions>? configure = null) =>
        new(await TestStack.StartAsync(Store.Sqlite, null, o =>
        {
            o.Overrides["Billing:Mode"] = "SelfServe";
            configure?.Invoke(o);
        }), browser);

    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return await context.NewPageAsync();
    }

    public static string NewEmail() => $"ui-{Guid.NewGuid():N}@example.com";

    /// <summary>Sign-up form, the verification link from the outbox opened in the browser and confirmed, then the login form.</summary>
    public async Task<string> SignUpAndLogInAsync(IPage page, string? email = null)
    {
        email ??= NewEmail();
        await page.GotoAsync("/signup");
        await page.GetByLabel("First name").FillAsync("Grace");
        await page.GetByLabel("Last name").FillAsync("Hopper");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signup-done")).ToContainTextAsync(email);

        var link = await Stack.Dashboard.VerificationLinkAsync(email);
        await page.GotoAsync(link);
        Assert.EndsWith("/verify-email", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        // Opening the link uses nothing (mail scanners open links too); the button does.
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my e-mail address" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("verified")).ToBeVisibleAsync();

        await LogInAsync(page, email);
        return email;
    }

    public async Task LogInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Both cues, checked together: exactly one of banner and indicator, the toggle with its accessible name.</summary>
    public static async Task ExpectEnvironmentAsync(IPage page, string env)
    {
        var toggle = page.GetByRole(AriaRole.Group, new() { Name = "Environment" });
        await Assertions.Expect(toggle).ToBeVisibleAsync();
        if (env == "sandbox")
        {
            var banner = page.GetByTestId("sandbox-banner");
            await Assertions.Expect(banner).ToHaveTextAsync(BannerText);
            await Assertions.Expect(banner).ToHaveAttributeAsync("role", "status");
            await Assertions.Expect(page.GetByTestId("production-indicator")).ToHaveCountAsync(0);
            await Assertions.Expect(toggle.GetByRole(AriaRole.Button, new() { Name = "Sandbox" })).ToHaveAttributeAsync("aria-pressed", "true");
        }
        else
        {
            await Assertions.Expect(page.GetByTestId("sandbox-banner")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("production-indicator")).ToBeVisibleAsync();
            await Assertions.Expect(toggle.GetByRole(AriaRole.Button, new() { Name = "Production" })).ToHaveAttributeAsync("aria-pressed", "true");
        }
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        // Written only when asked (PACSPACE_SCREENSHOTS=<folder>), so a test run leaves the work tree alone.
        if (Environment.GetEnvironmentVariable("PACSPACE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    [GeneratedRegex(@"pk_live_[A-Za-z0-9]+\.sk_live_[A-Za-z0-9]+")]
    public static partial Regex LiveKey();

    public ValueTask DisposeAsync() => Stack.DisposeAsync();
}
