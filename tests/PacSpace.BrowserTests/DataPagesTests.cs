using Dapper;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.BrowserTests;

/// <summary>
/// The pages of an environment's data — customers, a customer, deltas, a delta, checkpoints, records, a record, usage — and the
/// audit log, with data in both environments (a Sandbox key and a Production key): each shows the environment chosen in the
/// header and nothing of the other, the header toggle switches them, a customer's balance is what the Balance API derives,
/// the search and the links work from the keyboard. Without JavaScript throughout: the pages are forms and links.
/// </summary>
public sealed class DataPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DataPages_BothEnvironments_ShowTheChosenOneOnly_ToggleSwitches_KeyboardWithoutJavaScript()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var api = site.Stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        await api.ActivateProductionAsync(session);
        var testKey = (await api.CreateKeyAsync(session, "test", "Sandbox worker")).FullKey;
        var liveKey = (await api.CreateKeyAsync(session, "live", "Production worker")).FullKey;

        // Sandbox: two customers (one created with a name and unit), four deltas, a record, a checkpoint.
        await CreateCustomerAsync(api, session, "sandbox", "sb-acme", "Sandbox Acme", "credits");
        var sandboxDelta = await EmitAsync(site, Role.Sandbox, testKey, ("sb-acme", 100, "plan top-up"), ("sb-acme", -30, "api calls"), ("sb-beta", 5, "signup bonus"),
            ("sb-acme", 12, "refund"));
        await TransitionAsync(site, Role.Sandbox, testKey, "build", "sb-build-1", "Sandbox build deployed");
        await CheckpointAsync(site, Role.Sandbox, testKey);
        // Production: one customer, two deltas, a record, a checkpoint.
        var liveDelta = await EmitAsync(site, Role.Production, liveKey, ("live-acme", 7, "live usage"), ("live-acme", 3, "live usage"));
        await TransitionAsync(site, Role.Production, liveKey, "deploy", "live-deploy-1", "Production deploy");
        await CheckpointAsync(site, Role.Production, liveKey);

        var page = await site.NewPageAsync(javaScript: false);
        await site.LogInAsync(page, session.Email);
        await Site.ExpectEnvironmentAsync(page, "sandbox");

        // The main navigation leads to every data page.
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var name in new[] { "Customers", "Deltas", "Checkpoints", "Records", "Usage", "Audit log" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        }

        await nav.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customers · Sandbox" })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true })).ToHaveAttributeAsync("aria-current", "page");

        // Sandbox pages: its data, none of Production's.
        var sandboxPages = new (string Path, string Shows, string Screenshot)[]
        {
            ("/customers", "sb-acme", "customers"),
            ("/customers/sb-acme", "Sandbox Acme", "customer"),
            ("/deltas", "plan top-up", "deltas"),
            ("/deltas/" + sandboxDelta, "sb-acme", ""),
            ("/checkpoints", "Proof root", "checkpoints"),
            ("/records", "sb-build-1", "records"),
            ("/records/build/sb-build-1", "Sandbox build deployed", ""),
            ("/usage", "Sandbox deltas per day", "usage"),
        };
        foreach (var (path, shows, screenshot) in sandboxPages)
        {
            await GoAsync(page, path);
            await Site.ExpectEnvironmentAsync(page, "sandbox");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync(shows);
            foreach (var other in new[] { "live-acme", "live usage", "live-deploy-1" })
            {
                await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(other);
            }

            if (screenshot.Length > 0)
            {
                await Site.ScreenshotAsync(page, screenshot);
            }
        }

        // The customer's balance is what the Balance API derives from the same VERIFIED deltas.
        var derived = await site.Stack.SendAsync(Role.Sandbox, HttpMethod.Get, "/api/v1/balance/derive/sb-acme", testKey);
        Assert.True(derived.Status == HttpStatusCode.OK, derived.ToString());
        await GoAsync(page, "/customers/sb-acme");
        await Assertions.Expect(page.GetByTestId("customer-facts").GetByTestId("customer-balance"))
            .ToHaveTextAsync($"{derived.Data.GetProperty("computedBalance").GetInt64()} credits");
        await Assertions.Expect(page.GetByTestId("customer-deltas").Locator("tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("customer-deltas").GetByTestId("balance-after")).ToHaveTextAsync(["82", "70", "100"]);
        await Assertions.Expect(page.GetByTestId("customer-checkpoints").GetByRole(AriaRole.Link, new() { Name = "Verify" })).ToHaveCountAsync(1);

        // A delta's receipt: its place in the log and the verify link the plane gives, on the plane's address.
        await GoAsync(page, "/deltas/" + sandboxDelta);
        await Assertions.Expect(page.GetByTestId("delta-status")).ToHaveTextAsync("VERIFIED");
        var status = await site.Stack.DeltaStatusAsync(Role.Sandbox, testKey, sandboxDelta);
        await Assertions.Expect(page.GetByTestId("proof-log-index")).ToHaveTextAsync(status.Data.GetProperty("proof").GetProperty("logIndex").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var verify = await page.GetByTestId("verify-link").GetAttributeAsync("href");
        Assert.Equal(new Uri(site.Stack.Url(Role.Sandbox), status.Data.GetProperty("proof").GetProperty("verifyUrl").GetString()!).ToString(), verify);
        using (var plane = site.Stack.PlaneClient(Role.Sandbox))
        using (var opened = await plane.GetAsync(new Uri(verify!).PathAndQuery))
        {
            Assert.Equal((HttpStatusCode.OK, "text/html"), (opened.StatusCode, opened.Content.Headers.ContentType?.MediaType));
        }

        // The usage chart is an image with a name and a description, and its figures are a table too.
        await GoAsync(page, "/usage");
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Sandbox deltas per day" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        await Assertions.Expect(chart).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("4 in all"));
        await Assertions.Expect(page.GetByTestId("usage-month-total")).ToHaveTextAsync("4");

        // Filters: by status and customer; a value the page cannot read is named and left out.
        await GoAsync(page, "/deltas?customer=sb-beta");
        await Assertions.Expect(page.GetByTestId("deltas-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await GoAsync(page, "/deltas?status=queued");
        await Assertions.Expect(page.GetByTestId("no-deltas")).ToBeVisibleAsync();
        await GoAsync(page, "/deltas?from=yesterday");
        await Assertions.Expect(page.GetByTestId("filter-ignored")).ToContainTextAsync("“yesterday” is not a day");
        await Assertions.Expect(page.GetByTestId("deltas-table").Locator("tbody tr")).ToHaveCountAsync(4);

        // The audit log is the account's: both environments' changes, each saying which.
        await GoAsync(page, "/audit-log");
        var audit = page.GetByTestId("audit-table");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "api_key.created" }).GetByTestId("audit-environment")).ToHaveTextAsync(["Production", "Sandbox"]);
        await Assertions.Expect(audit).ToContainTextAsync("environment.activation_started");
        await Assertions.Expect(audit).ToContainTextAsync("plan.changed");
        await Site.ScreenshotAsync(page, "audit-log");
        await page.GetByLabel("Action").SelectOptionAsync("environment.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(audit.GetByTestId("audit-action")).ToHaveTextAsync(["environment.activation_started"]);

        // Keyboard only, in the page's own tab order: the skip link first, then on to the search, the results and a customer.
        await GoAsync(page, "/customers");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await FocusedTextAsync(page));
        await TabToAsync(page, "document.activeElement.id === 'customer-search'");
        var search = page.Locator("#customer-search");
        await search.FillAsync("sb-b");
        await search.PressAsync("Enter");
        // The address is polled, not waited for with a load event: the form's navigation may have finished before this line.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/customers\?(.*&)?q=sb-b(&|$)"));
        await Assertions.Expect(page.GetByTestId("customers-table").Locator("tbody tr")).ToHaveCountAsync(1);
        await TabToAsync(page, "document.activeElement.textContent.trim() === 'sb-beta'");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "sb-beta · Sandbox customer" })).ToBeVisibleAsync();

        // The header toggle (from the keyboard) switches the list to Production's data.
        await GoAsync(page, "/customers");
        await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Production" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Site.ExpectEnvironmentAsync(page, "production");
        Assert.EndsWith("/customers", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Customers · Production" })).ToBeVisibleAsync();

        var productionPages = new (string Path, string Shows)[]
        {
            ("/customers", "live-acme"),
            ("/customers/live-acme", "live-acme"),
            ("/deltas", "live usage"),
            ("/deltas/" + liveDelta, "live-acme"),
            ("/checkpoints", "Proof root"),
            ("/records", "live-deploy-1"),
            ("/records/deploy/live-deploy-1", "Production deploy"),
            ("/usage", "Production deltas per day"),
        };
        foreach (var (path, shows) in productionPages)
        {
            await GoAsync(page, path);
            await Site.ExpectEnvironmentAsync(page, "production");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync(shows);
            foreach (var other in new[] { "sb-acme", "sb-beta", "plan top-up", "sb-build-1" })
            {
                await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(other);
            }
        }

        await GoAsync(page, "/usage");
        await Assertions.Expect(page.GetByTestId("usage-used")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("usage-allowed")).ToHaveTextAsync("10,000");

        // Sandbox's customer and delta do not exist in Production: a page that says so, with a 404.
        foreach (var (path, says) in new[] { ("/customers/sb-acme", "There is no customer “sb-acme” in Production."), ("/deltas/" + sandboxDelta, "There is no delta") })
        {
            var missing = await page.GotoAsync(path);
            Assert.Equal(404, missing!.Status);
            await Assertions.Expect(page.GetByTestId("data-error")).ToContainTextAsync(says);
            await Site.ExpectEnvironmentAsync(page, "production");
        }

        // Back to Sandbox from a Production page: the same page shows Sandbox's data again.
        await GoAsync(page, "/deltas");
        await page.GetByRole(AriaRole.Group, new() { Name = "Environment" }).GetByRole(AriaRole.Button, new() { Name = "Sandbox" }).ClickAsync();
        await Site.ExpectEnvironmentAsync(page, "sandbox");
        await Assertions.Expect(page.GetByTestId("deltas-table").Locator("tbody tr")).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task DetailPages_NoInlineScriptOrStyle_AndNoSideScrollAtPhoneWidth()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var api = site.Stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var key = (await api.CreateKeyAsync(session)).FullKey;
        await CreateCustomerAsync(api, session, "sandbox", "team/a-customer-with-a-rather-long-identifier-0001", "A customer with a rather long display name", "credits");
        var delta = await EmitAsync(site, Role.Sandbox, key, ("team/a-customer-with-a-rather-long-identifier-0001", 42, "a reason long enough to need wrapping on a phone screen"));
        await TransitionAsync(site, Role.Sandbox, key, "machine-action-record", "entity/with/slashes-and-a-long-name-0001", "A title of an entry of a record");
        await CheckpointAsync(site, Role.Sandbox, key);
        var phone = await site.NewPageAsync(width: 375, height: 740);
        await site.LogInAsync(phone, session.Email);

        string[] paths = ["/customers/team%2Fa-customer-with-a-rather-long-identifier-0001", "/deltas/" + delta, "/records/machine-action-record/entity%2Fwith%2Fslashes-and-a-long-name-0001"];
        foreach (var path in paths)
        {
            var response = await phone.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.DoesNotContain("unsafe-inline", (await response.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
            Assert.Equal(0, await phone.EvaluateAsync<int>("() => document.querySelectorAll('script:not([src]), [style], [onclick], [onload]').length"));
            var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path}: {overflow}px wider than a 375px screen");
        }

        await Assertions.Expect(phone.Locator("main")).ToContainTextAsync("A title of an entry of a record");
    }

    [Fact]
    public async Task QueuedDelta_TurnsVerifiedOnItsPagesWithoutAReload()
    {
        await using var site = await Site.StartAsync(browser.Browser);
        var api = site.Stack.Dashboard;
        var session = await api.ReadyTenantAsync();
        var key = (await api.CreateKeyAsync(session)).FullKey;
        var page = await site.NewPageAsync();
        await site.LogInAsync(page, session.Email);
        await EmitAsync(site, Role.Sandbox, key, ("live-1", 1, "first"));

        // The log's signing lease held in another signer's name: the next delta stays queued until it is let go.
        await using var plane = await site.Stack.PlaneDb(Role.Sandbox).OpenAsync(default);
        const string Hold = "UPDATE tenant_ledgers SET lease_owner = 'another-signer', lease_until = @until WHERE tenant_id = @t";
        await plane.ExecuteAsync(Hold, new { until = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), t = session.TenantId });
        var emitted = await site.Stack.EmitAsync(Role.Sandbox, key, """{"customerId": "live-1", "delta": 9, "reason": "live"}""");
        Assert.Equal(HttpStatusCode.Created, emitted.Status);
        var recordId = emitted.Data.GetProperty("recordId").GetString()!;
        await GoAsync(page, "/deltas/" + recordId);
        var list = await site.NewPageAsync();
        await site.LogInAsync(list, session.Email);
        await GoAsync(list, "/deltas");
        Assert.Equal("QUEUED", await page.GetByTestId("delta-status").InnerTextAsync());
        await Assertions.Expect(page.GetByTestId("proof-pending")).ToBeVisibleAsync();
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;
        await plane.ExecuteAsync(Hold, new { until = 0L, t = session.TenantId });
        var soon = new LocatorAssertionsToHaveTextOptions { Timeout = 15_000 };
        await Assertions.Expect(page.GetByTestId("delta-status")).ToHaveTextAsync("VERIFIED", soon);
        await Assertions.Expect(page.GetByTestId("proof-log-index")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("verify-link")).ToBeVisibleAsync();
        await Assertions.Expect(list.GetByTestId("deltas-table").GetByTestId("delta-status")).ToHaveTextAsync(["VERIFIED", "VERIFIED"], soon);
        Assert.Equal(0, navigations);
    }

    /// <summary>Presses Tab until <paramref name="focused"/> (a script expression) holds; fails after 60 presses.</summary>
    private static async Task TabToAsync(IPage page, string focused)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {focused}"))
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached an element where {focused}; last focused: {await FocusedTextAsync(page)}");
    }

    private static Task<string> FocusedTextAsync(IPage page) => page.EvaluateAsync<string>("() => (document.activeElement.textContent || document.activeElement.id).trim()");

    private static async Task GoAsync(IPage page, string path)
    {
        var response = await page.GotoAsync(path);
        Assert.True(response!.Status == 200, $"{path} answered {response.Status}: {await page.Locator("main").InnerTextAsync()}");
    }

    private static async Task CreateCustomerAsync(DashboardApi api, Session session, string environment, string customerId, string displayName, string unitLabel)
    {
        var created = await api.PostAsync($"/dashboard/customers?environment={environment}", new { customerId, displayName, unitLabel }, session);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
    }

    /// <summary>Emits the deltas one after another (so the log holds them in this order), waits until the last is VERIFIED and returns its record id.</summary>
    private static async Task<string> EmitAsync(Site site, Role plane, string key, params (string Customer, long Delta, string Reason)[] deltas)
    {
        var last = "";
        foreach (var (customer, delta, reason) in deltas)
        {
            var emitted = await site.Stack.EmitAsync(plane, key, JsonSerializer.Serialize(new { customerId = customer, delta, reason }));
            Assert.True(emitted.Status == HttpStatusCode.Created, emitted.ToString());
            last = emitted.Data.GetProperty("recordId").GetString()!;
        }

        await site.Stack.VerifiedAsync(plane, key, last);
        return last;
    }

    private static async Task TransitionAsync(Site site, Role plane, string key, string recordType, string entityId, string title)
    {
        var body = JsonSerializer.Serialize(new { lifecycle = "recorded", content = new { title, occurredAt = "2026-10-01T12:00:00Z", actorId = "ci-bot", payloads = Array.Empty<object>() } });
        var made = await site.Stack.SendAsync(plane, HttpMethod.Post, $"/api/v1/records/{Uri.EscapeDataString(recordType)}/{Uri.EscapeDataString(entityId)}/transitions", key, body);
        Assert.True(made.Status == HttpStatusCode.Created, made.ToString());
    }

    private static async Task CheckpointAsync(Site site, Role plane, string key)
    {
        var made = await site.Stack.SendAsync(plane, HttpMethod.Post, "/api/v1/balance/checkpoint", key, "{}");
        Assert.True(made.Status == HttpStatusCode.Created, made.ToString());
    }
}
