using System.CommandLine;
using PacSpace.Cli;

var root = new RootCommand("PacSpace: usage deltas, balances and proofs anyone can check.");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(OperatorCommands.CreateAccess());
root.Subcommands.Add(OperatorCommands.CreateTenants());
return await root.Parse(args).InvokeAsync();
