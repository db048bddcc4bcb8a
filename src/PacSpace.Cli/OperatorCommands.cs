using System.CommandLine;
using PacSpace.Contracts.Plans;
using PacSpace.ControlPlane;

namespace PacSpace.Cli;

/// <summary>Operator commands that act on the control database directly, through the control plane's own handlers.</summary>
internal static class OperatorCommands
{
    public static Command CreateAccess()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var email = new Argument<string>("email") { Description = "The address whose access request to approve." };
        var approve = new Command("approve", "Issue a single-use approval token and e-mail it (registration mode 'approval').") { email, data, database, config };
        approve.SetAction((parse, ct) => RunAsync(parse, data, database, config,
            (stack, ct) => ControlPlaneOperator.ApproveAccessAsync(stack.Root, stack.OpenDatabase(Role.Dashboard), parse.GetValue(email)!, ct), ct));
        return new Command("access", "Manage access requests.") { approve };
    }

    public static Command CreateTenants()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var who = new Argument<string>("tenant") { Description = "Tenant id (tnt_…) or the e-mail of one of its users." };
        var tiers = PlanCatalog.All.Select(p => p.Tier).ToArray();
        var tier = new Argument<string>("tier") { Description = $"One of {string.Join(", ", tiers)}." };
        tier.CompletionSources.Add(tiers);
        var setPlan = new Command("set-plan", "Change a tenant's plan (operator billing mode).") { who, tier, data, database, config };
        setPlan.SetAction((parse, ct) => RunAsync(parse, data, database, config,
            (stack, ct) => ControlPlaneOperator.SetPlanAsync(stack.Root, stack.OpenDatabase(Role.Dashboard), parse.GetValue(who)!, parse.GetValue(tier)!, ct), ct));
        return new Command("tenants", "Manage tenants.") { setPlan };
    }

    private static async Task<int> RunAsync(
        ParseResult parse,
        Option<string> data,
        Option<string?> database,
        Option<string?> config,
        Func<LocalStack, CancellationToken, Task<OperatorOutcome>> command,
        CancellationToken ct)
    {
        await using var stack = LocalStack.Create(CommonOptions.ToStackOptions(parse, data, database, config));
        await stack.MigrateAsync([Role.Dashboard], ct);
        var outcome = await command(stack, ct);
        (outcome.Succeeded ? parse.InvocationConfiguration.Output : parse.InvocationConfiguration.Error).WriteLine(outcome.Message);
        return outcome.Succeeded ? 0 : 1;
    }
}
