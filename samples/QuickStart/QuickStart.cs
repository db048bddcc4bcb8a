using PacSpace.Sdk;
using PacSpace.Sdk.Balance;

namespace PacSpace.Samples;

/// <summary>The sample's steps, callable from tests with any client.</summary>
public static class QuickStart
{
    public const string CustomerId = "cust_quickstart";

    public static async Task<int> RunAsync(PacSpaceClient client, TextWriter output, CancellationToken cancellationToken = default)
    {
        await output.WriteLineAsync($"Environment: {client.Environment} ({client.BaseUrl})");
        try
        {
            // Retries reuse one Idempotency-Key, so this delta is recorded once however often the network fails.
            var receipt = await client.Balance.EmitAsync(new NewDelta(CustomerId, -42, "API calls"), cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Recorded {receipt.RecordId}: {receipt.Status}");

            var status = await client.Balance.WaitForVerifiedAsync(receipt.RecordId, TimeSpan.FromSeconds(10), cancellationToken: cancellationToken);
            await output.WriteLineAsync($"{status.RecordId} is {status.Status} at log index {status.Proof?.LogIndex}");

            var balance = await client.Balance.DeriveAsync(CustomerId, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Verified balance of {CustomerId}: {balance.ComputedBalance} ({balance.DeltasCount} deltas this month)");
            return 0;
        }
        catch (PacSpaceException ex)
        {
            await output.WriteLineAsync($"PacSpace refused: {ex.Code} ({ex.StatusCode}) {ex.Message}");
            return 1;
        }
    }
}
