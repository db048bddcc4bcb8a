using System.Threading.Channels;

namespace PacSpace.ControlPlane.Provisioning;

/// <summary>
/// Wakes this process's worker as soon as a job is written, so a newcomer's Sandbox is active in
/// milliseconds instead of at the next poll. Other replicas still find the job by polling.
/// </summary>
internal sealed class ProvisioningSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => _channel.Writer.TryWrite(true);

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
