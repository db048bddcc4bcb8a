using System.Data.Common;
using Dapper;
using PacSpace.Contracts.Webhooks;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Webhooks;

/// <summary>
/// Writes events into <c>webhook_outbox</c> inside the transaction of the change that causes them, so an event exists
/// exactly when its change committed. A row is written only while an enabled endpoint of the tenant subscribes to the
/// type (one indexed look-up in the same statement): tenants without webhooks pay nothing more than that look-up.
/// </summary>
internal static class WebhookOutbox
{
    /// <summary>
    /// <c>delta.verified</c> for the deltas a new signed head covers, <c>[firstIndex, endIndex)</c> of the tenant's log:
    /// one row for the whole range, written by the head signer beside the head.
    /// </summary>
    public static Task<int> DeltasVerifiedAsync(DbConnection connection, DbTransaction tx, string tenantId, long ledgerNo, long firstIndex, long endIndex,
        long signedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
             INSERT INTO webhook_outbox (tenant_id, event_type, ledger_no, first_index, end_index, created_at)
             SELECT @tenantId, @type, @ledgerNo, @firstIndex, @endIndex, @signedAt WHERE {Subscribed}
             """,
            new { tenantId, type = WebhookEvents.DeltaVerified, pattern = Pattern(WebhookEvents.DeltaVerified), ledgerNo, firstIndex, endIndex, signedAt },
            tx, cancellationToken: ct));

    /// <summary><c>checkpoint.verified</c> for a checkpoint just stored (signed, with its proofs); its event id is made here.</summary>
    public static Task<int> CheckpointVerifiedAsync(DbConnection connection, DbTransaction tx, string tenantId, string checkpointId, long createdAt,
        TimeProvider time, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
             INSERT INTO webhook_outbox (tenant_id, event_type, subject_id, event_id, created_at)
             SELECT @tenantId, @type, @checkpointId, @eventId, @createdAt WHERE {Subscribed}
             """,
            new { tenantId, type = WebhookEvents.CheckpointVerified, pattern = Pattern(WebhookEvents.CheckpointVerified), checkpointId,
                eventId = Ids.New("evt", time), createdAt },
            tx, cancellationToken: ct));

    /// <summary>Whether an enabled endpoint of @tenantId subscribes to the type @pattern matches (events are stored comma separated).</summary>
    internal const string Subscribed =
        "EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant_id = @tenantId AND deleted_at IS NULL AND enabled = 1 AND (',' || events || ',') LIKE @pattern)";

    internal static string Pattern(string eventType) => "%," + eventType + ",%";
}
