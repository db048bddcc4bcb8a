using System.Globalization;

namespace PacSpace.Benchmarks;

/// <summary>
/// CPU time used so far by the PostgreSQL server the benchmark started (its postmaster and every process it forked:
/// backends, WAL writer, checkpointer, autovacuum), read from <c>/proc</c>. Processes that exit between two readings
/// take their time with them; the benchmark's backends are pooled and live through a window. Null for SQLite (in
/// process) and for a server given with <c>--database</c> (not ours to look at).
/// </summary>
internal static class DatabaseCpu
{
    // USER_HZ: the unit of the times in /proc/[pid]/stat; 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The postmaster's process id while a benchmark server runs.</summary>
    public static int? ServerPid { get; set; }

    public static TimeSpan? Read()
    {
        if (ServerPid is not { } server || !OperatingSystem.IsLinux())
        {
            return null;
        }

        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid … utime stime: the command may hold spaces and parentheses, so fields count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == server || ppid == server)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
