using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace PacSpace.Benchmarks;

/// <summary>
/// The load generator, run as a child process so that its own allocations and CPU stay out of the server's
/// allocation count. Keeps <c>--connections</c> requests in flight; prints <c>START</c> when the measured
/// window opens and <c>END &lt;ok&gt; &lt;errors&gt;</c> when it closes.
/// </summary>
internal static class LoadClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = new Uri(Cli.Text(args, "--url")!);
        var key = Cli.Text(args, "--key");
        var seconds = Cli.Arg(args, "--seconds", 10);
        var warmup = Cli.Arg(args, "--warmup", 2);
        var connections = Cli.Arg(args, "--connections", 16);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false, AutomaticDecompression = DecompressionMethods.None });
        var measuring = 0;
        long ok = 0;
        long errors = 0;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (key is not null)
                {
                    request.Headers.TryAddWithoutValidation("X-Api-Key", key);
                }

                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    if (Volatile.Read(ref measuring) == 1)
                    {
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref ok);
                        }
                        else
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }

        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(Worker)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        Console.WriteLine("START");
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, 0);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"END {Interlocked.Read(ref ok)} {Interlocked.Read(ref errors)} {elapsed:0.000}"));
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return 0;
    }
}
