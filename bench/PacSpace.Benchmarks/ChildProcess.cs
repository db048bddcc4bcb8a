using System.Diagnostics;

namespace PacSpace.Benchmarks;

internal static class ChildProcess
{
    /// <summary>This benchmark's own executable as a child process (load generators), standard output redirected.</summary>
    public static ProcessStartInfo Self()
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Each measurement starts a fresh child, whose tiered compilation would otherwise recompile its hot methods inside the
        // measured window, beside the servers it measures: that thread took 8 % of the machine in a 6,000/s window. Fully
        // optimised at first call, the child compiles during its warm-up instead (docs/benchmarks.md, "the load generator").
        start.Environment["DOTNET_TieredCompilation"] = "0";
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        return start;
    }
}
