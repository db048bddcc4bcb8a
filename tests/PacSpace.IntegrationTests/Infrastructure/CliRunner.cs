using System.CommandLine;
using PacSpace.Cli;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>Runs the real <c>pacspace</c> command tree in-process, capturing what it prints.</summary>
public static class CliRunner
{
    public static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await PacSpaceCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }
}
