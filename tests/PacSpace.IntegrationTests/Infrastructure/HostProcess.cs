using System.Collections.Concurrent;
using System.Diagnostics;
using PacSpace.Cli;

namespace PacSpace.IntegrationTests.Infrastructure;

/// <summary>The three ports a <c>pacspace up</c> process listens on.</summary>
public sealed record HostPorts(int Dashboard, int Sandbox, int Production)
{
    public static HostPorts Free() => new(LocalStack.FreePort("127.0.0.1"), LocalStack.FreePort("127.0.0.1"), LocalStack.FreePort("127.0.0.1"));

    public int Of(Role role) => role switch
    {
        Role.Dashboard => Dashboard,
        Role.Sandbox => Sandbox,
        _ => Production,
    };
}

/// <summary>
/// The built <c>pacspace up</c> in a process of its own (the test project references the CLI, so
/// <c>pacspace.dll</c> sits next to the test assembly), for tests that must kill the host the hard way and start
/// it again on the same data. Only the process this object started is ever signalled, and it is killed when the
/// object is disposed or the test process exits.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string ReadyLine = "PacSpace is running";
    private const int MaxOutputLines = 400;

    private readonly Process _process;
    private int _disposed;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler _onTestProcessExit;

    private HostProcess(Process process, HostPorts ports)
    {
        _process = process;
        Ports = ports;
        _onTestProcessExit = (_, _) => KillNow();
        AppDomain.CurrentDomain.ProcessExit += _onTestProcessExit;
    }

    public HostPorts Ports { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the host printed (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public Uri Url(Role role) => new($"http://127.0.0.1:{Ports.Of(role)}");

    /// <summary>
    /// Starts <c>pacspace up</c> on the given data folder (and PostgreSQL database, if any) and waits until all three
    /// roles answer. A port taken in the meantime is replaced by a free one.
    /// </summary>
    public static async Task<HostProcess> StartAsync(string dataDirectory, string? database, IReadOnlyDictionary<string, string> environment,
        HostPorts? ports = null, TimeSpan? timeout = null)
    {
        ports ??= HostPorts.Free();
        for (var attempt = 1; ; attempt++)
        {
            var host = Launch(dataDirectory, database, environment, ports);
            try
            {
                await host.WaitReadyAsync(timeout ?? TimeSpan.FromSeconds(60));
                return host;
            }
            catch (InvalidOperationException) when (attempt < 3 && host.HasExited && host.Output.Contains("Could not listen", StringComparison.Ordinal))
            {
                await host.DisposeAsync();
                ports = HostPorts.Free();
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>SIGKILL (on Linux <see cref="Process.Kill(bool)"/> sends it): no shutdown hook, no flush, no drain.</summary>
    public async Task KillAsync()
    {
        KillNow();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // A test that disposes a host and then fails to start the next one disposes the first again in its finally: that
        // second call must not hide the failure.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onTestProcessExit;
        KillNow();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; nothing else can be done for it here.
        }

        _process.Dispose();
    }

    private static HostProcess Launch(string dataDirectory, string? database, IReadOnlyDictionary<string, string> environment, HostPorts ports)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "pacspace.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The built CLI is not next to the tests ({dll}); build tests/PacSpace.IntegrationTests first.");
        }

        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        string[] args =
        [
            dll, "up", "--data", dataDirectory,
            "--dashboard-port", ports.Dashboard.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--sandbox-port", ports.Sandbox.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--production-port", ports.Production.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (database is not null)
        {
            psi.ArgumentList.Add("--database");
            psi.ArgumentList.Add(database);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        HostProcess? host = null;
        process.OutputDataReceived += (_, e) => host?.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host?.OnLine(e.Data);
        process.Exited += (_, _) => host?._ready.TrySetException(new InvalidOperationException($"pacspace up exited with code {SafeExitCode(process)} before it was ready."));
        host = new HostProcess(process, ports);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"pacspace up did not print \"{ReadyLine}\" within {timeout.TotalSeconds} s.\n{Output}");
        }
        catch (InvalidOperationException ex)
        {
            // Let the output readers catch up with the last lines before they are shown.
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"{ex.Message}\n{Output}", ex);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var role in new[] { Role.Dashboard, Role.Sandbox, Role.Production })
        {
            using var health = await http.GetAsync(new Uri(Url(role), "/healthz"));
            if (!health.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{role} /healthz answered {(int)health.StatusCode}.\n{Output}");
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > MaxOutputLines && _output.TryDequeue(out _))
        {
        }

        if (line.Contains(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private void KillNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited (or never started).
        }
    }

    private static int? SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The dotnet executable running the tests, so the host runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
