using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PacSpace.ControlPlane.Jobs;

/// <summary>
/// Hosts every <see cref="ILeasedJob"/> on a loop of its own: claim what is due, run it (up to the job's
/// concurrency), sleep until the poll interval is over or the job's signal wakes it. On shutdown, work in
/// progress is left to its lease.
/// </summary>
internal sealed partial class JobRunner(IEnumerable<ILeasedJob> jobs, TimeProvider time, ILogger<JobRunner> logger) : BackgroundService
{
    /// <summary>Written into the rows this process leases; the random part tells two runners of one process apart.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(jobs.Select(job => Task.Run(() => job.LoopAsync(this, stoppingToken), CancellationToken.None)));

    internal async Task LoopAsync<TItem>(LeasedJob<TItem> job, CancellationToken stoppingToken)
        where TItem : IJobItem
    {
        var schedule = job.Schedule;
        if (!schedule.Enabled)
        {
            return;
        }

        using var slots = new SemaphoreSlim(schedule.Concurrency);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await job.ClaimAsync(Owner, schedule.Batch, stoppingToken);
                foreach (var item in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await RunOneAsync(job, schedule, item, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }

                running.RemoveAll(t => t.IsCompleted);
                if (claimed.Count == schedule.Batch)
                {
                    continue; // more may be due
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogClaimFailed(ex, job.Name);
            }

            await job.Signal.WaitAsync(schedule.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunOneAsync<TItem>(LeasedJob<TItem> job, JobSchedule schedule, TItem item, CancellationToken stoppingToken)
        where TItem : IJobItem
    {
        try
        {
            await job.RunAsync(Owner, item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: leave the lease to expire so another runner picks the item up.
        }
        catch (Exception ex)
        {
            var gaveUp = schedule.MaxAttempts is int max && item.Attempt >= max;
            var retryIn = gaveUp ? (TimeSpan?)null : RetryBackoff.Jittered(item.Attempt, schedule.InitialBackoff, schedule.MaxBackoff);
            try
            {
                await job.FailAsync(Owner, item, new JobFailure(ex, item.Attempt, retryIn, time.GetUtcNow()));
            }
            catch (Exception recording)
            {
                LogFailureNotRecorded(recording, job.Name);
            }
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Could not claim {Job} jobs")]
    private partial void LogClaimFailed(Exception ex, string job);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "Could not record a failed {Job} job; its lease expires and it runs again")]
    private partial void LogFailureNotRecorded(Exception ex, string job);
}
