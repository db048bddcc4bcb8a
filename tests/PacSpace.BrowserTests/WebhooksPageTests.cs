using Microsoft.Playwright;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;
using PacSpace.Sdk;
using PacSpace.Sdk.Webhooks;

namespace PacSpace.BrowserTests;

/// <summary>
/// The webhooks page without JavaScript, against a real receiver on loopback (the stack allows private networks, as
/// <c>pacspace up</c> does): add an endpoint, its secret once, a signed test ping, a delta's delivery in the log, retry,
/// rotate and delete.
/// </summary>
public sealed class WebhooksPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Endpoint_AddTestDeliverRetryRotateDelete_WithoutJavaScript()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await site.NewPageAsync(javaScript: false);
        var email = await site.SignUpAndLogInAsync(page);
        var session = await site.Stack.Dashboard.LoginAsync(email);
        await site.Stack.Dashboard.WaitForStatusAsync(session, "sandbox", "active");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks · Sandbox" })).ToBeVisibleAsync();
        await Site.ExpectEnvironmentAsync(page, "sandbox");
        foreach (var name in new[] { "delta.verified", "delta.failed", "checkpoint.verified", "record.committed", "record.failed" })
        {
            await Assertions.Expect(page.GetByLabel(name, new() { Exact = true })).ToBeCheckedAsync();
        }

        // Refused: each problem beside its field, what was typed kept, nothing added. Submitted from the keyboard.
        await page.GetByLabel("Endpoint URL").FillAsync("ftp://example.com/hooks");
        foreach (var name in new[] { "delta.verified", "delta.failed", "checkpoint.verified", "record.committed", "record.failed" })
        {
            await page.GetByLabel(name, new() { Exact = true }).UncheckAsync();
        }

        await page.GetByLabel("Description").FillAsync("Billing hooks");
        await page.GetByLabel("Description").PressAsync("Enter");
        var url = page.GetByLabel("Endpoint URL");
        await Assertions.Expect(page.GetByTestId("url-error")).ToContainTextAsync("must be an absolute http:// or https:// URL");
        await Assertions.Expect(url).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(url).ToHaveAccessibleDescriptionAsync(await page.GetByTestId("url-error").InnerTextAsync());
        await Assertions.Expect(page.GetByTestId("events-error")).ToHaveTextAsync("Tick at least one event; every endpoint receives ping as well.");
        await Assertions.Expect(url).ToHaveValueAsync("ftp://example.com/hooks");
        await Assertions.Expect(page.GetByLabel("Description")).ToHaveValueAsync("Billing hooks");
        await Assertions.Expect(page.GetByTestId("endpoints-table")).ToHaveCountAsync(0);
        await Site.ScreenshotAsync(page, "webhooks-add-error");

        await url.FillAsync(receiver.Url);
        await page.GetByLabel("delta.verified", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        Assert.EndsWith("/webhooks", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("new-secret")).ToContainTextAsync("it will not be shown again");
        var secret = await page.GetByTestId("new-secret-value").InnerTextAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var row = page.GetByTestId("endpoints-table").Locator("tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(receiver.Url);
        await Assertions.Expect(row).ToContainTextAsync("Billing hooks");
        await Assertions.Expect(row.GetByTestId("endpoint-state")).ToHaveTextAsync("enabled");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("new-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        // A test ping: the outcome on the page, and the receiver got it signed with the secret shown once.
        await row.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-outcome")).ToContainTextAsync("delivered");
        await Assertions.Expect(page.GetByTestId("test-status")).ToHaveTextAsync("200");
        await Assertions.Expect(page.GetByTestId("test-latency")).ToContainTextAsync(" ms");
        var ping = (await receiver.WaitForAsync(1, Soon, r => r.Header(PacSpaceHeaders.WebhookEvent) == "ping"))[0];
        Assert.True(new WebhookVerifier(secret).Verify(ping.Header(PacSpaceHeaders.WebhookSignature), ping.Header(PacSpaceHeaders.WebhookTimestamp), ping.Body));

        // A delta with an API key: its delivery reaches the receiver and shows in the log as delivered.
        var key = await site.Stack.Dashboard.CreateKeyAsync(session);
        await site.Stack.EmitAsync(Role.Sandbox, key.FullKey, """{"customerId":"c1","delta":-3,"reason":"api calls"}""");
        var delivered = (await receiver.WaitForAsync(1, Soon, r => r.Header(PacSpaceHeaders.WebhookEvent) == "delta.verified"))[0];
        var eventId = delivered.Header(PacSpaceHeaders.WebhookEventId);
        var logRow = page.Locator($"tr[data-event-id='{eventId}']");
        await ReloadUntilAsync(page, logRow.GetByTestId("delivery-status"), "delivered");
        await Assertions.Expect(logRow).ToContainTextAsync("delta.verified");
        await Assertions.Expect(logRow).ToContainTextAsync(receiver.Url);
        await Assertions.Expect(logRow.GetByTestId("delivery-attempts")).ToHaveTextAsync("1");
        await Assertions.Expect(logRow).ToContainTextAsync("200");
        await Site.ScreenshotAsync(page, "webhooks-sandbox");

        await logRow.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("1 delivery is queued");
        await receiver.WaitForAsync(2, Soon, r => r.Header(PacSpaceHeaders.WebhookEventId) == eventId);

        // Rotate with no overlap: a new secret once, and the next ping verifies with it alone.
        await row.GetByText("Manage").ClickAsync();
        await row.GetByLabel("Old secret keeps signing for").SelectOptionAsync("0");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var rotated = await page.GetByTestId("new-secret-value").InnerTextAsync();
        Assert.StartsWith("whsec_", rotated, StringComparison.Ordinal);
        Assert.NotEqual(secret, rotated);
        await Site.ScreenshotAsync(page, "webhooks-new-secret");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("new-secret")).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-status")).ToHaveTextAsync("200");
        var pings = await receiver.WaitForAsync(2, Soon, r => r.Header(PacSpaceHeaders.WebhookEvent) == "ping");
        var second = pings[^1];
        Assert.True(new WebhookVerifier(rotated).Verify(second.Header(PacSpaceHeaders.WebhookSignature), second.Header(PacSpaceHeaders.WebhookTimestamp), second.Body));
        Assert.False(new WebhookVerifier(secret).Verify(second.Header(PacSpaceHeaders.WebhookSignature), second.Header(PacSpaceHeaders.WebhookTimestamp), second.Body));

        // Delete: a confirmation page of its own, then the endpoint is gone.
        await row.GetByText("Manage").ClickAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Delete this endpoint?" })).ToBeVisibleAsync();
        await Site.ExpectEnvironmentAsync(page, "sandbox");
        await page.GetByTestId("confirm-delete").ClickAsync();
        Assert.EndsWith("/webhooks", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("flash")).ToContainTextAsync("is deleted");
        await Assertions.Expect(page.GetByTestId("endpoints-table")).ToHaveCountAsync(0);
    }

    /// <summary>The plane records an attempt's outcome a moment after the receiver sees it; the page shows it on a later load.</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator locator, string text)
    {
        var deadline = DateTime.UtcNow + Soon;
        while (true)
        {
            await page.GotoAsync("/webhooks");
            if (await locator.CountAsync() == 1 && (await locator.InnerTextAsync()).Trim() == text)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the log did not show {text} within {Soon.TotalSeconds} s");
            await Task.Delay(250);
        }
    }
}
