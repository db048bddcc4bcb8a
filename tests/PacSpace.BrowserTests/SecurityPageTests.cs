using System.Net;
using Microsoft.Playwright;

namespace PacSpace.BrowserTests;

/// <summary>The security page: password change, the sessions list with Revoke, and log out everywhere, each seen from a second browser.</summary>
public sealed class SecurityPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string NewPassword = "a-new-horse-battery-7";

    [Fact]
    public async Task ChangePassword_WrongCurrentThenRight_ErrorByTheFieldThenOnlyTheNewPasswordLogsIn()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var page = await site.NewPageAsync();
        var email = await site.SignUpAndLogInAsync(page);
        var other = await site.NewPageAsync();
        await site.LogInAsync(other, email);

        // Reached from the header, next to Settings.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Security" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Security", Exact = true })).ToBeVisibleAsync();
        await Site.ExpectEnvironmentAsync(page, "sandbox");

        await page.GetByLabel("Current password").FillAsync("not-the-password-1");
        await page.GetByLabel("New password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        var current = page.GetByLabel("Current password");
        await Assertions.Expect(page.GetByTestId("currentPassword-error")).ToHaveTextAsync("The current password is not correct.");
        await Assertions.Expect(current).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(current).ToHaveAccessibleDescriptionAsync("The current password is not correct.");
        await Assertions.Expect(current).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToHaveCountAsync(0);
        await Site.ScreenshotAsync(page, "security-password-error");

        await current.FillAsync(Site.Password);
        await page.GetByLabel("New password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("flash")).ToHaveTextAsync("Password changed. Your other sessions have ended.");
        Assert.EndsWith("/security", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("sessions-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await other.GotoAsync("/");
        Assert.EndsWith("/login", new Uri(other.Url).AbsolutePath, StringComparison.Ordinal);

        // The old password is refused at the form; the new one opens the dashboard.
        await other.GetByLabel("E-mail").FillAsync(email);
        await other.GetByLabel("Password").FillAsync(Site.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(other.GetByTestId("form-error")).ToContainTextAsync("not correct");
        await site.LogInAsync(other, email, NewPassword);
    }

    [Fact]
    public async Task Revoke_OtherSessionWithoutJavaScript_ThatBrowserIsSentToLoginOnItsNextPage()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var session = await site.Stack.Dashboard.SignUpAsync();
        var page = await site.NewPageAsync(javaScript: false);
        await site.LogInAsync(page, session.Email);
        var other = await site.NewPageAsync();
        await site.LogInAsync(other, session.Email);

        await page.GotoAsync("/security");
        var rows = page.GetByTestId("sessions-table").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3); // this browser, the other one, and the API login above
        var mine = page.Locator("tr[data-current=true]");
        await Assertions.Expect(mine).ToHaveCountAsync(1);
        await Assertions.Expect(mine.GetByTestId("this-browser")).ToHaveTextAsync("This browser");
        await Assertions.Expect(mine.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Assertions.Expect(mine).ToContainTextAsync("Chrome on Linux");
        await Assertions.Expect(page.Locator("tr[data-current=false]").GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(2);
        await Site.ScreenshotAsync(page, "security-sessions");

        // The other browser logged in last, so it heads the list (newest first).
        var otherRow = rows.Nth(0);
        await Assertions.Expect(otherRow).ToHaveAttributeAsync("data-current", "false");
        var otherId = await otherRow.GetAttributeAsync("data-session-id");
        await otherRow.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("Session revoked");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator($"tr[data-session-id='{otherId}']")).ToHaveCountAsync(0);
        await other.GotoAsync("/api-keys");
        Assert.EndsWith("/login", new Uri(other.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await site.Stack.Dashboard.GetAsync("/dashboard/auth/me", session)).Status);
        await page.GotoAsync("/api-keys");
        Assert.EndsWith("/api-keys", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogOutEverywhere_EveryBrowserAndTokenEnds_ThenLoginPageSaysSo()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var session = await site.Stack.Dashboard.SignUpAsync();
        var page = await site.NewPageAsync();
        await site.LogInAsync(page, session.Email);
        var other = await site.NewPageAsync();
        await site.LogInAsync(other, session.Email);

        await page.GotoAsync("/security");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out everywhere" }).ClickAsync();

        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("logged-out")).ToHaveTextAsync("You are logged out everywhere: every session of this account has ended.");
        await page.GotoAsync("/security");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await other.GotoAsync("/settings");
        Assert.EndsWith("/login", new Uri(other.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.Stack.Dashboard.GetAsync("/dashboard/auth/me", session)).Status);
        await site.LogInAsync(page, session.Email);
    }
}
