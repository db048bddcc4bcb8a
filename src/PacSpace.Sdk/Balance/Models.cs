using System.Text.Json;

namespace PacSpace.Sdk.Balance;

#pragma warning disable CS1573 // Positional records document their members through the type summary.

/// <summary>A delta to record: a signed whole-number change of a customer's balance.</summary>
/// <param name="CustomerId">Your id of the customer (1–256 characters).</param>
/// <param name="Delta">The change: non-zero, within ±1,000,000,000. Negative for usage.</param>
/// <param name="Reason">Why, as shown to the customer (1–500 characters).</param>
/// <param name="ReferenceId">Your own id of this delta; a second delta with it is answered with the first (deduplication).</param>
/// <param name="Metadata">Extra facts: strings, booleans, null, objects or arrays (numbers as strings), at most 4 KiB.</param>
/// <param name="Adjusts">The delta this one corrects: one already recorded for the same customer (else 404 <c>NOT_FOUND</c>). A delta
/// with it is content version 2: its hash covers it as sent.</param>
public sealed record NewDelta(
    string CustomerId,
    long Delta,
    string Reason,
    string? ReferenceId = null,
    IReadOnlyDictionary<string, object?>? Metadata = null,
    AdjustsRef? Adjusts = null);

/// <summary>Which earlier delta a correction refers to: by your <see cref="ReferenceId"/> or by its <see cref="RecordId"/> (set one).</summary>
public sealed record AdjustsRef(string? ReferenceId = null, string? RecordId = null);

/// <summary>The answer to an emit: the delta is durable and <c>QUEUED</c> for the log.</summary>
public sealed record DeltaReceipt(string RecordId, string ReceiptId, string CustomerId, long Delta, string Status, string ContentHash);

/// <summary>Status values of a delta.</summary>
public static class DeltaStatuses
{
    /// <summary>Durable, waiting for the log.</summary>
    public const string Queued = "QUEUED";

    /// <summary>In the log, covered by a signed tree head.</summary>
    public const string Verified = "VERIFIED";

    /// <summary>Refused.</summary>
    public const string Failed = "FAILED";
}

/// <summary>Where a verified delta sits in the log.</summary>
/// <param name="VerifyUrl">The receipt's verification page, for people: a path on the address the client used (<c>/verify/receipt/…</c>).</param>
public sealed record DeltaProof(long LogIndex, long TreeSize, long CustomerSeq, long? PrevCustomerIndex, long BalanceAfter, DateTimeOffset RecordedAt, string VerifyUrl)
{
    /// <summary>The receipt's public JSON route (<c>/api/v1/verify/receipt/…</c>), for programs; null from servers that do not send it.</summary>
    public string? VerificationApiUrl { get; init; }
}

/// <summary>A delta's status; <see cref="Content"/> is the canonical delta to hand to a counterparty for offline verification.</summary>
public sealed record DeltaStatus(
    string RecordId,
    string Status,
    string CustomerId,
    long Delta,
    string ContentHash,
    long? SequenceNumber,
    string ReceiptId,
    DateTimeOffset? VerifiedAt,
    DeltaProof? Proof,
    JsonElement Content)
{
    /// <summary>
    /// The content version its hash was made under (also <c>v</c> in <see cref="Content"/>): 2 for a delta that adjusts
    /// another, its adjusts hashed with it; 1 otherwise, and for deltas recorded before version 2 (servers that do not
    /// send it knew only version 1).
    /// </summary>
    public int ContentVersion { get; init; } = 1;
}

/// <summary>One item's outcome in a batch.</summary>
public sealed record BatchItemResult(int Index, string Status, string? RecordId, string? ReceiptId, BatchItemError? Error, bool Idempotent);

/// <summary>Why one batch item failed.</summary>
public sealed record BatchItemError(string Code, string Message, IReadOnlyList<PacSpaceErrorDetail>? Details);

/// <summary>A batch's outcome: items succeed or fail on their own.</summary>
public sealed record BatchResult(int TotalQueued, int TotalFailed, IReadOnlyList<BatchItemResult> Results);

/// <summary>A verified delta as derive, receipts and customer pages list it.</summary>
public sealed record LoggedDelta(
    string RecordId,
    string ReceiptId,
    long Delta,
    string Reason,
    string? ReferenceId,
    string Status,
    string ContentHash,
    long? CustomerSeq,
    long? LogIndex,
    long? BalanceAfter,
    DateTimeOffset? RecordedAt,
    DateTimeOffset CreatedAt);

/// <summary>The scope an answer covers, as the server resolved it.</summary>
public sealed record ResolvedScope(string Mode, string? Period, string? TimePreset, DateTimeOffset? StartDate, DateTimeOffset? EndDate,
    string? StartingCheckpoint, string? StartingCheckpointType);

/// <summary>Paging of a derive answer's <c>deltas</c>.</summary>
public sealed record OffsetPage(int Limit, long Offset, long Total);

/// <summary>A customer's balance from VERIFIED deltas over a scope.</summary>
public sealed record DerivedBalance(
    string CustomerId,
    long ComputedBalance,
    long StartingBalance,
    long NetChange,
    long DeltasCount,
    IReadOnlyList<LoggedDelta> Deltas,
    string? LatestReceiptId,
    ResolvedScope Scope,
    OffsetPage Pagination);

/// <summary>Two views of a balance against the neutral one derived from the log.</summary>
public sealed record BalanceComparison(
    string CustomerId,
    long NeutralBalance,
    long YourBalance,
    long TheirBalance,
    bool MatchesYours,
    bool MatchesTheirs,
    long YourDifference,
    long TheirDifference,
    long StartingBalance,
    long DeltasCount,
    string? LatestReceiptId,
    ResolvedScope Scope);

/// <summary>The consistency proof between the log at the window's start and at the checkpoint.</summary>
public sealed record ConsistencyProof(long FromSize, long ToSize, string PrevRoot, IReadOnlyList<string> Proof);

/// <summary>A customer's closing balance as one leaf of <c>balancesRoot</c>, with its inclusion proof.</summary>
public sealed record BalanceProof(string BalancesRoot, string Leaf, long LeafIndex, long LeafCount, IReadOnlyList<string> Proof, long LastCustomerSeq, long LastIndex, long ClosingBalance);

/// <summary>One customer's part of a checkpoint.</summary>
public sealed record CheckpointCustomer(string CustomerId, long OpeningBalance, long ClosingBalance, long DeltaCount, long NetChange, BalanceProof BalanceProof);

/// <summary>A period checkpoint: the window's proof root, signed note, signed period statement and consistency proof.</summary>
public sealed record PeriodCheckpoint(
    string CheckpointId,
    string Status,
    string ProofRoot,
    string Period,
    string? TimePreset,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    long FromSize,
    long ToSize,
    long DeltaCount,
    long NetChange,
    long CustomerCount,
    string BalancesRoot,
    DateTimeOffset ClosedAt,
    DateTimeOffset CreatedAt,
    string VerifyUrl,
    string VerificationApiUrl,
    string Checkpoint,
    JsonElement Statement,
    string Signature,
    ConsistencyProof ConsistencyFromPrevious,
    CheckpointCustomer? Customer);

/// <summary>A customer's statement for a window: what goes on an invoice.</summary>
public sealed record InvoiceProof(
    string CustomerId,
    string Period,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    string CheckpointId,
    string ProofRoot,
    string VerifyUrl,
    string VerificationApiUrl,
    string? AccessHint,
    string? CustomerLinkUrl,
    string? CustomerLinkHost,
    long OpeningBalance,
    long ClosingBalance,
    long DeltaCount,
    long NetChange,
    string? LatestReceiptId,
    BalanceProof BalanceProof,
    IReadOnlyList<LoggedDelta> Deltas,
    DateTimeOffset ClosedAt);

/// <summary>A customer in the list: one with a VERIFIED delta, or one created ahead of its deltas (<see cref="BalanceClient.CreateCustomerAsync"/>).</summary>
/// <param name="FirstDeltaAt">When its first VERIFIED delta was recorded; null while it has none.</param>
/// <param name="LastDeltaAt">When its latest VERIFIED delta was recorded; null while it has none.</param>
public sealed record CustomerSummary(string CustomerId, string LedgerIdentifier, long TotalDeltas, long ComputedBalance, DateTimeOffset? FirstDeltaAt, DateTimeOffset? LastDeltaAt)
{
    /// <summary>The name it was created with; null for a customer known only from its deltas (or from a server without customer creation).</summary>
    public string? DisplayName { get; init; }

    /// <summary>The unit its balance counts, as given when it was created; null when none was given.</summary>
    public string? UnitLabel { get; init; }
}

/// <summary>Page information of page-numbered lists.</summary>
public sealed record PageInfo(long Total, int Page, int Limit, long TotalPages);

/// <summary>One entry of a customer's recent activity.</summary>
public sealed record ActivityItem(long Delta, string Reason, string? ReferenceId, string Status, DateTimeOffset Time, string RecordId, string ReceiptId, string VerificationReference);

/// <summary>A page of a customer's recent activity.</summary>
public sealed record Activity(IReadOnlyList<ActivityItem> Items, PageInfo Pagination);

/// <summary>The latest checkpoint holding a customer's balance.</summary>
public sealed record LatestCheckpoint(string CheckpointId, string ProofRoot, string Period, long ClosingBalance, DateTimeOffset ClosedAt);

/// <summary>A customer's figures for one period.</summary>
public sealed record CustomerPeriod(string Period, DateTimeOffset StartDate, DateTimeOffset EndDate, long OpeningBalance, long ClosingBalance, long DeltaCount, long NetChange);

/// <summary>One customer with its balance and recent activity; all figures are zero for a customer created ahead of its deltas.</summary>
public sealed record CustomerDetail(
    string CustomerId,
    string CustomerReference,
    long TotalDeltas,
    long PendingDeltas,
    long ComputedBalance,
    LatestCheckpoint? LatestCheckpoint,
    CustomerPeriod? Period,
    Activity RecentActivity)
{
    /// <summary>The name it was created with; null for a customer known only from its deltas (or from a server without customer creation).</summary>
    public string? DisplayName { get; init; }

    /// <summary>The unit its balance counts, as given when it was created; null when none was given.</summary>
    public string? UnitLabel { get; init; }
}

/// <summary>A customer to create ahead of its first delta (<see cref="BalanceClient.CreateCustomerAsync"/>). Fields left null are not sent.</summary>
/// <param name="DisplayName">How the customer is shown (1–200 characters, no control or bidirectional formatting characters).</param>
/// <param name="CustomerId">Your id of the customer, the one its deltas will carry (1–256 characters); null lets the server make one (<c>cus_…</c>).</param>
/// <param name="SharingStateHint">A hint on how its record is shared, such as <c>INHERIT</c> (1–32 characters).</param>
/// <param name="EventCadence">How often you send its usage, such as <c>PER_EVENT</c> (1–32 characters).</param>
/// <param name="UnitLabel">The unit its balance counts, such as <c>credits</c> (1–32 characters).</param>
public sealed record NewCustomer(string DisplayName, string? CustomerId = null, string? SharingStateHint = null, string? EventCadence = null, string? UnitLabel = null);

/// <summary>A customer as created (or, when the same request was made before, as it was first created).</summary>
/// <param name="Environment"><c>sandbox</c> or <c>production</c>: the environment of the key, never the other one.</param>
public sealed record CreatedCustomer(
    string CustomerId,
    string DisplayName,
    string? UnitLabel,
    string? EventCadence,
    string? SharingStateHint,
    DateTimeOffset CreatedAt,
    string Environment);

/// <summary>What the plan allows and what is used in this environment.</summary>
public sealed record Usage(string Plan, string Environment, string Period, bool Metered, long? Allowed, long Used, long? Remaining, long Overage, long Pending, bool WritesAllowed);

/// <summary>The signed facts a third party needs to check a proof root.</summary>
public sealed record ProofRootVerification(
    bool Verified,
    string ProofRoot,
    string Origin,
    string Period,
    long TreeSize,
    string RootHash,
    string Checkpoint,
    JsonElement PeriodStatement,
    string Signature,
    string PublicKey,
    string VerifierKey,
    ConsistencyProof ConsistencyFromPrevious,
    ProofRootSummary Summary,
    string Source,
    string Message);

/// <summary>A period's totals over the whole log.</summary>
public sealed record ProofRootSummary(long DeltaCount, long NetChange, long CustomerCount);

#pragma warning restore CS1573
