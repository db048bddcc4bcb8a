using System.CommandLine;
using PacSpace.Hosting.Data;

namespace PacSpace.Cli;

/// <summary><c>pacspace serve --role …</c>: one role, for deployments with several replicas per role.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var database = CommonOptions.Database();
        var config = CommonOptions.Config();
        var role = new Option<Role>("--role") { Description = "dashboard, sandbox or production.", Required = true };
        var port = new Option<int?>("--port") { Description = "Port (default 5080, 5081 or 5082 by role)." };
        var host = new Option<string>("--host") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending migrations before serving (otherwise serving refuses to start with pending ones)." };
        var command = new Command("serve", "Serve one role (dashboard, sandbox or production).") { role, port, host, data, database, config, migrate };
        command.SetAction(async (parse, ct) =>
        {
            var options = CommonOptions.ToStackOptions(parse, data, database, config);
            var r = parse.GetValue(role);
            options.Host = parse.GetValue(host)!;
            options.LocalInstall = false;
            var p = parse.GetValue(port);
            switch (r)
            {
                case Role.Dashboard: options.DashboardPort = p ?? 5080; break;
                case Role.Sandbox: options.SandboxPort = p ?? 5081; break;
                default: options.ProductionPort = p ?? 5082; break;
            }

            await using var stack = LocalStack.Create(options);
            if (parse.GetValue(migrate))
            {
                await stack.MigrateAsync([r], ct);
            }
            else
            {
                var pending = await Migrations.PendingAsync(stack.OpenDatabase(r), LocalStack.MigrationsAssembly(r), ct);
                if (pending.Count > 0)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"The {r} database has pending migrations ({string.Join(", ", pending)}). Run `pacspace migrate --role {r.ToString().ToLowerInvariant()}` or pass --migrate.");
                    return 3;
                }
            }

            try
            {
                await stack.StartAsync(r, ct);
            }
            catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException || ex.InnerException is Microsoft.Extensions.Options.OptionsValidationException)
            {
                var failures = (ex as AggregateException)?.InnerExceptions ?? [ex];
                parse.InvocationConfiguration.Error.WriteLine("Configuration is not valid; see docs/configuration.md:");
                foreach (var failure in failures.OfType<Microsoft.Extensions.Options.OptionsValidationException>().SelectMany(f => f.Failures))
                {
                    parse.InvocationConfiguration.Error.WriteLine("  - " + failure);
                }

                return 4;
            }
            parse.InvocationConfiguration.Output.WriteLine($"PacSpace {r} listening on {stack.Url(r)}");
            var stopped = new TaskCompletionSource();
            await using var registration = ct.Register(() => stopped.TrySetResult());
            await stopped.Task;
            return 0;
        });
        return command;
    }
}
