using System.CommandLine;

namespace PacSpace.Cli;

/// <summary>The <c>pacspace</c> command tree.</summary>
public static class PacSpaceCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("PacSpace: usage deltas, balances and proofs anyone can check.");
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(OperatorCommands.CreateAccess());
        root.Subcommands.Add(OperatorCommands.CreateTenants());
        root.Subcommands.Add(VerifyCommand.Create());
        foreach (var command in ClientCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
