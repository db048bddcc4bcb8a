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
    /// The events of a new signed head, <c>[firstIndex, endIndex)</c> of the tenant's log: <c>delta.verified</c> for its deltas
    /// and <c>record.committed</c> for its record entries. One row for the whole range (<see cref="SignedRange"/>), written
    /// by the head signer beside the head while an enabled endpoint subscribes to either; the fan-out makes each endpoint's
    /// deliveries of the types it subscribes to.
    /// </summary>
    public static Task<int> HeadSignedAsync(DbConnection connection, DbTransaction tx, string tenantId, long ledgerNo, long firstIndex, long endIndex,
        long signedAt, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
             INSERT INTO webhook_outbox (tenant_id, event_type, ledger_no, first_index, end_index, created_at)
             SELECT @tenantId, @type, @ledgerNo, @firstIndex, @endIndex, @signedAt WHERE {SubscribedToEither}
             """,
            new
            {
                tenantId, type = SignedRange, pattern = Pattern(WebhookEvents.DeltaVerified), other = Pattern(WebhookEvents.RecordCommitted), ledgerNo, firstIndex,
                endIndex, signedAt,
            },
            tx, cancellationToken: ct));

    /// <summary>
    /// The event type of an outbox row that covers a range of the log (any row with <c>ledger_no</c> set is one; rows written
    /// before record entries existed say <c>delta.verified</c>). Never a delivery's type.
    /// </summary>
    internal const string SignedRange = "log.signed";

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

    /// <summary>Like <see cref="Subscribed"/>, for either of two types (@pattern, @other).</summary>
    internal const string SubscribedToEither =
        "EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant_id = @tenantId AND deleted_at IS NULL AND enabled = 1 AND ((',' || events || ',') LIKE @pattern OR (',' || events || ',') LIKE @other))";

    internal static string Pattern(string eventType) => "%," + eventType + ",%";
}
