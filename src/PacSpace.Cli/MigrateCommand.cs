using System.CommandLine;

namespace PacSpace.Cli;

/// <summary><c>pacspace migrate</c>: creates missing PostgreSQL databases and applies pending migrations.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var role = new Option<string>("--role") { Description = "all, dashboard, sandbox or production.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("all", "dashboard", "sandbox", "production");
        var command = new Command("migrate", "Apply database migrations.") { role, data, database, config };
        command.SetAction(async (parse, ct) =>
        {
            await using var stack = LocalStack.Create(CommonOptions.ToStackOptions(parse, data, database, config));
            var which = parse.GetValue(role) switch
            {
                "dashboard" => new[] { Role.Dashboard },
                "sandbox" => [Role.Sandbox],
                "production" => [Role.Production],
                _ => [Role.Dashboard, Role.Sandbox, Role.Production],
            };
            var applied = await stack.MigrateAsync(which, ct);
            foreach (var (r, versions) in applied)
            {
                parse.InvocationConfiguration.Output.WriteLine($"{r,-10} {stack.OpenDatabase(r).Describe()}: {(versions.Count == 0 ? "up to date" : "applied " + string.Join(", ", versions))}");
            }

            return 0;
        });
        return command;
    }
}
