using Microsoft.Playwright;
using OtpNet;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.BrowserTests;

/// <summary>Password reset from the login page, and two-factor enrolment then a login with a code, in the browser.</summary>
public sealed class AccountPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ForgotPassword_MailedLinkPageSetsANewPasswordThatLogsIn()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var page = await site.NewPageAsync();
        var email = await site.SignUpAndLogInAsync(page);
        var other = await site.NewPageAsync();

        await other.GotoAsync("/login");
        await other.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await other.GetByLabel("E-mail").FillAsync(email);
        await other.GetByRole(AriaRole.Button, new() { Name = "Send reset link" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("reset-sent")).ToContainTextAsync(email);

        var link = await site.Stack.Dashboard.MailedLinkAsync(email, DashboardApi.ResetLink());
        await other.GotoAsync(link);
        await other.GetByLabel("New password").FillAsync("a-brand-new-password-7");
        await other.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("reset-done")).ToBeVisibleAsync();

        // Every session ended with the reset: the first browser is sent to the login page.
        await page.ReloadAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));

        // The link worked once.
        await other.GotoAsync(link);
        await other.GetByLabel("New password").FillAsync("yet-another-password-8");
        await other.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("form-error")).ToContainTextAsync("already used");

        await other.GotoAsync("/login");
        await other.GetByLabel("E-mail").FillAsync(email);
        await other.GetByLabel("Password").FillAsync("a-brand-new-password-7");
        await other.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TwoFactor_EnrolOnThePageThenLoginAsksForTheCode()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var page = await site.NewPageAsync();
        var email = await site.SignUpAndLogInAsync(page);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Security" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Manage two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToHaveAttributeAsync("data-enabled", "false");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set up two-factor authentication" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("qr-code")).ToBeVisibleAsync();
        Assert.True(await page.GetByTestId("qr-code").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        var totp = new Totp(Base32Encoding.ToBytes(await page.GetByTestId("totp-secret").InnerTextAsync()));
        await page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await Assertions.Expect(page.GetByTestId("two-factor-status")).ToHaveAttributeAsync("data-enabled", "true");
        await Site.ScreenshotAsync(page, "two-factor");

        // The codes are shown once.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("recovery-codes")).ToHaveCountAsync(0);

        var other = await site.NewPageAsync();
        await other.GotoAsync("/login");
        await other.GetByLabel("E-mail").FillAsync(email);
        await other.GetByLabel("Password").FillAsync(Site.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("code-step")).ToBeVisibleAsync();
        await other.GetByLabel("Authentication code").FillAsync("000000" == totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)) ? "111111" : "000000");
        await other.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("form-error")).ToContainTextAsync("Code");
        await other.GetByLabel("Authentication code").FillAsync(totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)));
        await other.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
    }
}
