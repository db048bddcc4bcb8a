using System.Text.Json;

namespace PacSpace.Contracts.Reads;

/// <summary>Where a VERIFIED delta sits in its log, as its receipt proves it.</summary>
/// <param name="TreeSize">The size of the first signed head that covers it.</param>
/// <param name="VerifyUrl">The public proof of its receipt, as the plane gives it (a path on the plane, or a URL).</param>
public sealed record DeltaProof(long LogIndex, long TreeSize, long CustomerSeq, long? PrevCustomerIndex, long BalanceAfter, DateTimeOffset RecordedAt, string VerifyUrl);

/// <summary>
/// One delta (<c>GET …/deltas/{recordId}</c>), as the Balance API's <c>GET /api/v1/balance/delta/{recordId}</c> answers it:
/// its status, what it says, the canonical content its hash covers, and once VERIFIED its proof. <see cref="Proof"/>,
/// <see cref="SequenceNumber"/> and <see cref="VerifiedAt"/> are null while it is QUEUED.
/// </summary>
public sealed record DeltaDetail(
    string RecordId,
    string ReceiptId,
    string Status,
    string CustomerId,
    long Delta,
    string Reason,
    string? ReferenceId,
    string ContentHash,
    int ContentVersion,
    long? SequenceNumber,
    DateTimeOffset? VerifiedAt,
    DeltaProof? Proof,
    JsonElement Content);
