using System.CommandLine;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary><c>pacspace up</c>: the whole product in one process, for a newcomer's first five minutes.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Control plane port (0 = any free port).", DefaultValueFactory = _ => 5080 };
        var sandboxPort = new Option<int>("--sandbox-port") { Description = "Sandbox plane port (0 = any free port).", DefaultValueFactory = _ => 5081 };
        var productionPort = new Option<int>("--production-port") { Description = "Production plane port (0 = any free port).", DefaultValueFactory = _ => 5082 };
        var command = new Command("up", "Start the control plane, the Sandbox plane and the Production plane in one process.")
        {
            data, database, config, dashboardPort, sandboxPort, productionPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = CommonOptions.ToStackOptions(parse, data, database, config);
            options.DashboardPort = parse.GetValue(dashboardPort);
            options.SandboxPort = parse.GetValue(sandboxPort);
            options.ProductionPort = parse.GetValue(productionPort);
            await using var stack = LocalStack.Create(options);
            var applied = await stack.MigrateAsync([Role.Dashboard, Role.Sandbox, Role.Production], ct);
            foreach (var (role, versions) in applied.Where(a => a.Value.Count > 0))
            {
                AnsiConsole.MarkupLineInterpolated($"[grey]migrated {role}: {string.Join(", ", versions)}[/]");
            }

            // The control plane first, so that planes find it for their start-up key catch-up.
            foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
            {
                try
                {
                    await stack.StartAsync(role, ct);
                }
                catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException or Microsoft.AspNetCore.Connections.AddressInUseException or null)
                {
                    Console.Error.WriteLine($"Could not listen on {stack.Url(role)}: {ex.Message}");
                    Console.Error.WriteLine($"Is PacSpace already running? Stop it, or choose another port with --{role.ToString().ToLowerInvariant()}-port (0 picks a free one).");
                    return 2;
                }
            }
            PrintWelcome(stack);

            var stopped = new TaskCompletionSource();
            await using var registration = ct.Register(() => stopped.TrySetResult());
            await stopped.Task;
            AnsiConsole.MarkupLine("[grey]stopping…[/]");
            return 0;
        });
        return command;
    }

    private static void PrintWelcome(LocalStack stack)
    {
        var d = stack.Url(Role.Dashboard).ToString().TrimEnd('/');
        var table = new Table().Border(TableBorder.Rounded).AddColumn("plane").AddColumn("URL").AddColumn("serves");
        table.AddRow("Control plane", d, "Dashboard API /dashboard/*, and /api/v1/* for both kinds of key (one origin); OpenAPI at /openapi/v1.json");
        table.AddRow("[yellow]Sandbox[/]", stack.Url(Role.Sandbox).ToString().TrimEnd('/'), "Balance API for pk_test_ keys");
        table.AddRow("[green]Production[/]", stack.Url(Role.Production).ToString().TrimEnd('/'), "Balance API for pk_live_ keys");
        AnsiConsole.Write(new Rule("[bold]PacSpace is running[/]").LeftJustified());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Data: [blue]{Path.GetFullPath(stack.Options.DataDirectory)}[/]   e-mails: [blue]{stack.Root["Smtp:OutboxDirectory"]}[/]");
        AnsiConsole.MarkupLine("Next:");
        // Plain writes: commands must stay on one line to be copied, whatever the terminal width.
        Console.WriteLine($"  1. Register:  curl -s -X POST {d}/dashboard/auth/register -H 'Content-Type: application/json' -d '{{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"password\":\"correct-horse-9\",\"organization\":\"Analytical\"}}'");
        Console.WriteLine("  2. Open the verification link printed below (or in the outbox .eml file).");
        Console.WriteLine($"  3. Log in:    curl -s -c cookies.txt -X POST {d}/dashboard/auth/login -H 'Content-Type: application/json' -d '{{\"email\":\"ada@example.com\",\"password\":\"correct-horse-9\"}}'");
        Console.WriteLine($"  4. Status:    curl -s -b cookies.txt {d}/dashboard/environments/environment-status");
        AnsiConsole.MarkupLine("The README has the full walk-through. Press Ctrl+C to stop.");
    }
}
