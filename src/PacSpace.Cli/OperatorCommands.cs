using System.CommandLine;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane;
using PacSpace.ControlPlane.Features.Access;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Mail;

namespace PacSpace.Cli;

/// <summary>Operator commands that act on the control database directly.</summary>
internal static class OperatorCommands
{
    public static Command CreateAccess()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var email = new Argument<string>("email") { Description = "The address whose access request to approve." };
        var approve = new Command("approve", "Issue a single-use approval token and e-mail it (registration mode 'approval').") { email, data, database, config };
        approve.SetAction(async (parse, ct) =>
        {
            await using var stack = LocalStack.Create(CommonOptions.ToStackOptions(parse, data, database, config));
            await stack.MigrateAsync([Role.Dashboard], ct);
            var smtp = Bind<SmtpOptions>(stack.Root, "Smtp");
            using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
            var mailer = new Mailer(Options.Create(smtp), TimeProvider.System, logs.CreateLogger<Mailer>());
            var token = await AccessRequests.ApproveAsync(stack.OpenDatabase(Role.Dashboard), mailer,
                Bind<AuthOptions>(stack.Root, "Auth"), Bind<DashboardOptions>(stack.Root, "Dashboard"), parse.GetValue(email)!, TimeProvider.System, ct);
            parse.InvocationConfiguration.Output.WriteLine($"Approved {parse.GetValue(email)}. Approval token (single use, also e-mailed): {token}");
            return 0;
        });
        return new Command("access", "Manage access requests.") { approve };
    }

    public static Command CreateTenants()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var who = new Argument<string>("tenant") { Description = "Tenant id (tnt_…) or the e-mail of one of its users." };
        var tier = new Argument<string>("tier") { Description = $"One of {Plans.TierList}." };
        tier.AcceptOnlyFromAmong([.. Plans.All.Select(p => p.Tier)]);
        var setPlan = new Command("set-plan", "Change a tenant's plan (operator billing mode).") { who, tier, data, database, config };
        setPlan.SetAction(async (parse, ct) =>
        {
            await using var stack = LocalStack.Create(CommonOptions.ToStackOptions(parse, data, database, config));
            await stack.MigrateAsync([Role.Dashboard], ct);
            var db = stack.OpenDatabase(Role.Dashboard);
            var key = parse.GetValue(who)!;
            string? tenantId;
            await using (var connection = await db.OpenAsync(ct))
            {
                tenantId = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT id FROM tenants WHERE id = @key UNION SELECT tenant_id FROM users WHERE email_normalized = @email",
                    new { key, email = key.Trim().ToLowerInvariant() }, cancellationToken: ct));
            }

            if (tenantId is null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"No tenant with id or user e-mail '{key}'.");
                return 1;
            }

            var result = await PlanEndpoints.SetPlanAsync(db, tenantId, parse.GetValue(tier)!, TimeProvider.System, ct);
            parse.InvocationConfiguration.Output.WriteLine($"{tenantId} is now on {result.Value}.");
            return 0;
        });
        return new Command("tenants", "Manage tenants.") { setPlan };
    }

    private static T Bind<T>(IConfiguration root, string section)
        where T : class, new()
    {
        var value = new T();
        root.GetSection(section).Bind(value);
        return value;
    }
}
