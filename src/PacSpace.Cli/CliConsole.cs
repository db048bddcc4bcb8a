using System.CommandLine;
using Spectre.Console;

namespace PacSpace.Cli;

/// <summary>The Spectre console of a command: colours, animation and terminal width only when the output is the real terminal.</summary>
internal static class CliConsole
{
    /// <param name="width">The width when the output is not a terminal (lines are not wrapped below it).</param>
    public static IAnsiConsole Create(ParseResult parse, int width)
    {
        var output = parse.InvocationConfiguration.Output;
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = width;
        }

        return console;
    }
}
