using System.Diagnostics;

namespace PacSpace.Benchmarks;

internal static class ChildProcess
{
    /// <summary>This benchmark's own executable as a child process (load generators), standard output redirected.</summary>
    public static ProcessStartInfo Self()
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        return start;
    }
}
