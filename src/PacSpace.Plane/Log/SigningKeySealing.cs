using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;

namespace PacSpace.Plane.Log;

/// <summary>
/// At start-up, before the plane serves: signing keys stored in the clear (by versions before sealing) or under an
/// earlier key-encryption key are re-sealed with the current one. This is how a KEK rotation completes.
/// </summary>
internal sealed partial class SigningKeySealing(Database db, AtRestEncryption secrets, ILogger<SigningKeySealing> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var count = await TenantLedgerStore.ResealAsync(connection, secrets, cancellationToken);
        if (count > 0)
        {
            LogResealed(count, secrets.CurrentKeyId);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Sealed {Count} signing keys with key-encryption key {KeyId}")]
    private partial void LogResealed(int count, string keyId);
}
