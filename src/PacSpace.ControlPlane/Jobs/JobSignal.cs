using System.Threading.Channels;

namespace PacSpace.ControlPlane.Jobs;

/// <summary>
/// Wakes this process's loop of one job as soon as work is written for it, so a newcomer's Sandbox is active
/// in milliseconds instead of at the next poll. Other replicas still find the work by polling.
/// </summary>
internal class JobSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified, after <paramref name="timeout"/>, or when cancelled (then throws).</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _channel.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval elapsed.
        }
    }
}

/// <summary>The signal of one job type, so each is a singleton of its own: <c>JobSignal&lt;ProvisioningJob&gt;</c>.</summary>
internal sealed class JobSignal<TJob> : JobSignal
    where TJob : ILeasedJob;
