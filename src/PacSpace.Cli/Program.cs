using System.CommandLine;
using PacSpace.Cli;

// On SIGTERM/Ctrl+C the command's token is cancelled and hosts get this long to finish in-flight requests.
return await PacSpaceCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration
{
    ProcessTerminationTimeout = TimeSpan.FromSeconds(15),
});
