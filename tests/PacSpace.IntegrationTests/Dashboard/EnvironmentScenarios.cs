using System.Net;
using System.Text.Json;
using Dapper;
using PacSpace.Cli;
using PacSpace.IntegrationTests.Infrastructure;

namespace PacSpace.IntegrationTests.Dashboard;

public abstract class EnvironmentScenarios(Store store, PostgresServer? postgres, SharedStacks shared) : SharedStackTests(store, postgres, shared)
{
    [Fact]
    public async Task ClaimDueActivations_NothingDueThenOneDue_ReadsBoth()
    {
        // With no row due, SQLite could not type an expression column and the claim threw every second while idle.
        // A stack of its own: it stops the control plane and claims whatever is due in the whole table.
        var stack = await StartStackAsync();
        var session = await stack.Dashboard.SignUpAsync();
        await stack.Dashboard.WaitForStatusAsync(session, "sandbox", "active");
        await stack.StopAsync(Role.Dashboard);
        var store = new PacSpace.ControlPlane.Features.Environments.EnvironmentStore(stack.ControlDb, TimeProvider.System);
        Assert.Empty(await store.ClaimDueActivationsAsync("test-owner", 10, TimeSpan.FromSeconds(30), CancellationToken.None));

        await using var c = await stack.ControlDb.OpenAsync(default);
        var (id, tenantId) = await c.QueryFirstAsync<(string, string)>("SELECT id, tenant_id FROM environments WHERE environment = 'production'");
        await c.ExecuteAsync("UPDATE environments SET status = 'activating', requested_at = NULL, next_attempt_at = 0, lease_until = NULL WHERE id = @id", new { id });
        var claimed = await store.ClaimDueActivationsAsync("test-owner", 10, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(id, Assert.Single(claimed).Id);
        Assert.Equal(tenantId, claimed[0].TenantId);
    }

    [Fact]
    public async Task EnvironmentStatus_NewAccount_SandboxActiveProductionNoneInSeedShape()
    {
        var session = await Api.SignUpAsync();
        await Api.WaitForStatusAsync(session, "sandbox", "active");

        var answer = await Api.GetAsync("/dashboard/environments/environment-status", session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(answer.Body.GetProperty("success").GetBoolean());
        Assert.Equal(["sandbox", "production"], answer.Data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("active", answer.Data.GetProperty("sandbox").GetProperty("status").GetString());
        Assert.True(DateTimeOffset.TryParse(answer.Data.GetProperty("sandbox").GetProperty("provisionedAt").GetString(), out _));
        Assert.Equal("""{"status":"none"}""", answer.Data.GetProperty("production").GetRawText());
    }

    [Fact]
    public async Task ContractsStatus_NewAccount_ListsBothInV36Vocabulary()
    {
        var session = await Api.SignUpAsync();
        await Api.WaitForStatusAsync(session, "sandbox", "active");

        var answer = await Api.GetAsync($"/dashboard/contracts/{session.TenantId}/status", session);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(200, answer.Body.GetProperty("statusCode").GetInt32());
        Assert.Equal(session.TenantId, answer.Data.GetProperty("tenantId").GetString());
        var envs = answer.Data.GetProperty("environments").EnumerateArray().ToList();
        Assert.Equal(2, envs.Count);
        Assert.Equal("testnet", envs[0].GetProperty("environment").GetString());
        Assert.Equal("active", envs[0].GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", envs[0].GetProperty("provisionedAt").GetString());
        Assert.Equal("mainnet", envs[1].GetProperty("environment").GetString());
        Assert.Equal("not_provisioned", envs[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, envs[1].GetProperty("provisionedAt").ValueKind);
    }

    [Fact]
    public async Task ContractsStatus_OtherTenantsId_Returns404()
    {
        var alice = await Api.SignUpAsync();
        var bob = await Api.SignUpAsync();

        var answer = await Api.GetAsync($"/dashboard/contracts/{bob.TenantId}/status", alice);
        var unknown = await Api.GetAsync("/dashboard/contracts/tnt_00000000000000000000000000/status", alice);

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal("NOT_FOUND", answer.Code);
        Assert.Equal(unknown.Raw, answer.Raw);
        Assert.DoesNotContain(bob.TenantId, answer.Raw);
    }

    [Fact]
    public async Task ProvisionProduction_FreePlan_Returns403PlanUpgradeRequiredBothGenerationsAndChangesNothing()
    {
        var session = await Api.SignUpAsync();

        var current = await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session, Auth.Cookie);
        var v36 = await Api.PostAsync("/dashboard/contracts/provision", new { environment = "mainnet" }, session);

        foreach (var answer in new[] { current, v36 })
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
            Assert.Equal("PLAN_UPGRADE_REQUIRED", answer.Code);
            Assert.Contains("pilot", answer.Body.GetProperty("error").GetProperty("message").GetString());
        }

        Assert.Equal(("none", 0L), await ProductionRowAsync(session.TenantId));
    }

    [Fact]
    public async Task ProvisionProduction_AfterUpgrade_StartsOnceBecomesActiveAndListsIntegration()
    {
        var session = await Api.SignUpAsync();
        var upgrade = await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session, Auth.Cookie);
        Assert.Equal(HttpStatusCode.OK, upgrade.Status);

        var first = await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session, Auth.Cookie);
        var second = await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal("""{"environment":"production","status":"activating"}""", first.Data.GetRawText());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Contains(second.Data.GetProperty("status").GetString(), new[] { "activating", "active" });
        await Api.WaitForStatusAsync(session, "production", "active");
        Assert.Equal(1L, (await ProductionRowAsync(session.TenantId)).Activations);

        var list = await Api.GetAsync("/dashboard/environments", session, Auth.Cookie);
        var items = list.Data.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var production = items.Single(i => i.GetProperty("environment").GetString() == "production");
        Assert.StartsWith("ctr_", production.GetProperty("id").GetString());
        Assert.Equal("active", production.GetProperty("status").GetString());
        Assert.Equal(Stack.Url(Role.Production).ToString().TrimEnd('/'), production.GetProperty("apiBaseUrl").GetString());
        Assert.Equal(Stack.Url(Role.Sandbox).ToString().TrimEnd('/'),
            items.Single(i => i.GetProperty("environment").GetString() == "sandbox").GetProperty("apiBaseUrl").GetString());

        var again = await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session, Auth.Cookie);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("active", again.Data.GetProperty("status").GetString());
        Assert.Equal(1L, (await ProductionRowAsync(session.TenantId)).Activations);
    }

    [Fact]
    public async Task ContractsProvision_Mainnet_Returns201SeedShapeThen200AndListShowsBoth()
    {
        var session = await Api.SignUpAsync();
        await Api.PostAsync("/dashboard/billing/plan", new { tier = "starter" }, session);

        var first = await Api.PostAsync("/dashboard/contracts/provision", new { environment = "mainnet" }, session);
        var second = await Api.PostAsync("/dashboard/contracts/provision", new { environment = "mainnet" }, session);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(201, first.Body.GetProperty("statusCode").GetInt32());
        Assert.Equal(session.TenantId, first.Data.GetProperty("tenantId").GetString());
        Assert.Equal("mainnet", first.Data.GetProperty("environment").GetString());
        Assert.Equal("provisioning", first.Data.GetProperty("status").GetString());
        Assert.Equal("Environment is being provisioned. This usually takes a few seconds.", first.Data.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Contains(second.Data.GetProperty("status").GetString(), new[] { "provisioning", "active" });

        await Api.WaitForStatusAsync(session, "production", "active");
        // Sandbox started at registration but may finish after Production on a loaded machine.
        await Api.WaitForStatusAsync(session, "sandbox", "active");
        var list = await Api.GetAsync("/dashboard/contracts", session);
        var items = list.Data.EnumerateArray().ToList();
        Assert.Equal(["testnet", "mainnet"], items.Select(i => i.GetProperty("environment").GetString()).Order(StringComparer.Ordinal).Reverse());
        Assert.All(items, i =>
        {
            Assert.StartsWith("ctr_", i.GetProperty("id").GetString());
            Assert.Equal(session.TenantId, i.GetProperty("tenantId").GetString());
            Assert.Equal("active", i.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.String, i.GetProperty("provisionedAt").ValueKind);
        });

        // The same rows seen through the current generation.
        var status = await Api.GetAsync("/dashboard/environments/environment-status", session, Auth.Cookie);
        Assert.Equal("active", status.Data.GetProperty("production").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Provision_AliasesAcrossGenerations_AreAccepted()
    {
        var session = await Api.SignUpAsync();
        await Api.WaitForStatusAsync(session, "sandbox", "active");

        var currentWithV36Name = await Api.PostAsync("/dashboard/environments/provision", new { environment = "testnet" }, session);
        var v36WithCurrentName = await Api.PostAsync("/dashboard/contracts/provision", new { environment = "sandbox" }, session);

        Assert.Equal(HttpStatusCode.OK, currentWithV36Name.Status);
        Assert.Equal("sandbox", currentWithV36Name.Data.GetProperty("environment").GetString());
        Assert.Equal(HttpStatusCode.OK, v36WithCurrentName.Status);
        Assert.Equal("testnet", v36WithCurrentName.Data.GetProperty("environment").GetString());
    }

    public static TheoryData<string, string> BadProvisionBodies => new()
    {
        { "{\"environment\":\"staging\"}", "environment" },
        { "{\"environment\":1}", "environment" },
        { "{\"environment\":null}", "environment" },
        { "{}", "environment" },
        { "{\"environment\":\"production\"", "body" },
        { "[\"production\"]", "body" },
    };

    [Theory]
    [MemberData(nameof(BadProvisionBodies))]
    public async Task Provision_BadBody_Returns400NamingFieldInBothGenerationsAndChangesNothing(string body, string field)
    {
        var session = await Api.SignUpAsync();
        await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);

        foreach (var path in new[] { "/dashboard/environments/provision", "/dashboard/contracts/provision" })
        {
            var answer = await Api.SendAsync(HttpMethod.Post, path, session: session, rawBody: body);
            Assert.True(answer.Status == HttpStatusCode.BadRequest && answer.Code == "VALIDATION_ERROR", $"{path} {body}: {answer}");
            Assert.Contains(field, answer.DetailFields);
            if (field == "environment")
            {
                Assert.Contains(path.Contains("contracts") ? "testnet, mainnet" : "sandbox, production", answer.Raw);
            }
        }

        Assert.Equal(("none", 0L), await ProductionRowAsync(session.TenantId));
    }

    [Fact]
    public async Task Provision_FiftyConcurrentCalls_StartExactlyOneActivation()
    {
        var session = await Api.SignUpAsync();
        await Api.PostAsync("/dashboard/billing/plan", new { tier = "growth" }, session);

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => i % 2 == 0
            ? Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session, Auth.Cookie)
            : Api.PostAsync("/dashboard/contracts/provision", new { environment = "mainnet" }, session)));

        var started = answers.Count(a => a.Status is HttpStatusCode.Accepted or HttpStatusCode.Created);
        Assert.Equal(1, started);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.Created, a.ToString()));
        await Api.WaitForStatusAsync(session, "production", "active");
        Assert.Equal(1L, (await ProductionRowAsync(session.TenantId)).Activations);
        await using var plane = await Stack.PlaneDb(Role.Production).OpenAsync(default);
        Assert.Equal(1L, await plane.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tenant_ledgers WHERE tenant_id = @id", new { id = session.TenantId }));
    }

    [Fact]
    public async Task Preferences_Production_RefusedOnFreeThenUntilActiveThenSharedAcrossLogins()
    {
        var session = await Api.SignUpAsync();
        var body = new { preferredEnvironment = "production" };

        var onFree = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", body, session, Auth.Cookie);
        await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);
        var notActive = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", body, session);
        await Api.PostAsync("/dashboard/environments/provision", new { environment = "production" }, session);
        await Api.WaitForStatusAsync(session, "production", "active");
        var saved = await Api.SendAsync(HttpMethod.Patch, "/dashboard/auth/preferences", body, session, Auth.Cookie);

        Assert.Equal(HttpStatusCode.Forbidden, onFree.Status);
        Assert.Equal("PLAN_UPGRADE_REQUIRED", onFree.Code);
        Assert.Equal(HttpStatusCode.Conflict, notActive.Status);
        Assert.Equal("ENVIRONMENT_NOT_ACTIVE", notActive.Code);
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Equal("""{"preferredEnvironment":"production"}""", saved.Data.GetRawText());
        Assert.Equal("Preferences updated successfully", saved.Body.GetProperty("message").GetString());

        var elsewhere = await Api.LoginAsync(session.Email);
        var me = await Api.GetAsync("/dashboard/auth/me", elsewhere, Auth.Cookie);
        Assert.Equal("production", me.Data.GetProperty("preferredEnvironment").GetString());
        var login = await Api.PostAsync("/dashboard/auth/login", new { email = session.Email, password = DashboardApi.Password });
        Assert.Equal("production", login.Data.GetProperty("user").GetProperty("preferredEnvironment").GetString());
    }

    [Fact]
    public async Task Plan_GetAndChange_SelfServeReturnsPriceList()
    {
        var session = await Api.SignUpAsync();

        var free = await Api.GetAsync("/dashboard/billing/plan", session);
        var bad = await Api.PostAsync("/dashboard/billing/plan", new { tier = "platinum" }, session);
        var wrongType = await Api.PostAsync("/dashboard/billing/plan", new { tier = 3 }, session);
        var padded = await Api.PostAsync("/dashboard/billing/plan", new { tier = " pilot" }, session);
        var stillFree = await Api.GetAsync("/dashboard/billing/plan", session);
        var pilot = await Api.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);

        Assert.Equal("""{"tier":"free","monthlyAllotment":100,"planPriceUsd":0,"overagePriceUsd":null,"productionAllowed":false,"mode":"self-serve"}""", free.Data.GetRawText());
        Assert.Equal("VALIDATION_ERROR", bad.Code);
        Assert.Contains("free, pilot, starter, growth, scale, enterprise", bad.Raw);
        Assert.Equal("VALIDATION_ERROR", wrongType.Code);
        Assert.Equal("VALIDATION_ERROR", padded.Code);
        Assert.Equal("free", stillFree.Data.GetProperty("tier").GetString());
        Assert.Equal("no-store", free.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, pilot.Status);
        Assert.Equal(10000, pilot.Data.GetProperty("monthlyAllotment").GetInt64());
        Assert.Equal(1000m, pilot.Data.GetProperty("planPriceUsd").GetDecimal());
        Assert.Equal(0.020m, pilot.Data.GetProperty("overagePriceUsd").GetDecimal());
        Assert.True(pilot.Data.GetProperty("productionAllowed").GetBoolean());
    }

    [Fact]
    public async Task Plan_OperatorMode_RefusesSelfServeAndCliSetsPlan()
    {
        await using var operated = await StartStackAsync(o => o.Overrides["Billing:Mode"] = "Operator");
        var session = await operated.Dashboard.SignUpAsync();

        var refused = await operated.Dashboard.PostAsync("/dashboard/billing/plan", new { tier = "pilot" }, session);
        var byEmail = await AuthScenarios.RunCliAsync(operated, "tenants", "set-plan", session.Email, "scale");
        var plan = await operated.Dashboard.GetAsync("/dashboard/billing/plan", session);
        var byId = await AuthScenarios.RunCliAsync(operated, "tenants", "set-plan", session.TenantId, "pilot");
        var unknown = await AuthScenarios.RunCliAsync(operated, "tenants", "set-plan", "nobody@example.com", "pilot");
        var badTier = await AuthScenarios.RunCliAsync(operated, "tenants", "set-plan", session.TenantId, "platinum");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("SELF_SERVE_DISABLED", refused.Code);
        Assert.Equal(0, byEmail.Code);
        Assert.Equal("scale", plan.Data.GetProperty("tier").GetString());
        Assert.Equal("operator", plan.Data.GetProperty("mode").GetString());
        Assert.Equal(0, byId.Code);
        Assert.Equal("pilot", (await operated.Dashboard.GetAsync("/dashboard/auth/me", session)).Data.GetProperty("tenant").GetProperty("plan").GetString());
        Assert.NotEqual(0, unknown.Code);
        Assert.NotEqual(0, badTier.Code);
    }

    [Fact]
    public async Task Health_AllThreePlanes_Answer200()
    {
        foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
        {
            using var client = Stack.PlaneClient(role);
            var response = await client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task OpenApi_Document_ListsBothGenerations()
    {
        var doc = await Api.Http.GetStringAsync("/openapi/v1.json");

        foreach (var path in new[] { "/dashboard/environments/environment-status", "/dashboard/environments/provision", "/dashboard/contracts/{tenantId}/status", "/dashboard/auth/preferences", "/dashboard/billing/plan", "/dashboard/api-keys", "/dashboard/api-keys/{id}/rotate", "/dashboard/audit-log" })
        {
            Assert.Contains($"\"{path}\"", doc);
        }
    }

    private async Task<(string Status, long Activations)> ProductionRowAsync(string tenantId)
    {
        await using var c = await Stack.ControlDb.OpenAsync(default);
        var row = await c.QuerySingleAsync<(string, long)>(
            "SELECT status, activations FROM environments WHERE tenant_id = @tenantId AND environment = 'production'", new { tenantId });
        return row;
    }
}

public sealed class EnvironmentScenariosOnSqlite(SharedStacks shared) : EnvironmentScenarios(Store.Sqlite, null, shared);

[Collection(PostgresCollection.Name)]
public sealed class EnvironmentScenariosOnPostgres(PostgresServer postgres, SharedStacks shared) : EnvironmentScenarios(Store.Postgres, postgres, shared);
