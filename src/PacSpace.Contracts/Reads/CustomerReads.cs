namespace PacSpace.Contracts.Reads;

/// <summary>
/// One customer of a list page: what it was created with (null for a customer known only from its deltas) and its figures
/// from the last of its deltas a signed head covers (zero, and no times, before it has one).
/// </summary>
/// <param name="DeltaCount">Its VERIFIED deltas (its chain's sequence number).</param>
public sealed record CustomerSummary(
    string CustomerId,
    string? DisplayName,
    string? UnitLabel,
    long Balance,
    long DeltaCount,
    DateTimeOffset? FirstDeltaAt,
    DateTimeOffset? LastDeltaAt);

/// <summary>A page of a tenant's customers (<c>GET …/customers</c>), in the order of the search key; <see cref="Next"/> continues it.</summary>
public sealed record CustomerList(IReadOnlyList<CustomerSummary> Customers, string? Next);

/// <summary>
/// One delta as lists show it, QUEUED or VERIFIED (by the log's signed size). <see cref="BalanceAfter"/> is the customer's
/// running balance after it, fixed when it was committed. <see cref="VerifyUrl"/> is the public proof of its receipt, as the
/// plane gives it (a path on the plane, or a URL); null while the delta is QUEUED.
/// </summary>
public sealed record LedgerDelta(
    string RecordId,
    string ReceiptId,
    string CustomerId,
    long Delta,
    string Reason,
    string? ReferenceId,
    string Status,
    long LogIndex,
    long CustomerSeq,
    long BalanceAfter,
    DateTimeOffset RecordedAt,
    string? VerifyUrl);

/// <summary>A page of deltas, newest first; <see cref="Next"/> continues it.</summary>
public sealed record DeltaList(IReadOnlyList<LedgerDelta> Deltas, string? Next);

/// <summary>A checkpoint holding one customer's closing balance (a leaf of its balances root), newest first.</summary>
/// <param name="DeltaCount">The customer's VERIFIED deltas up to the checkpoint (the sequence number in its leaf).</param>
/// <param name="VerifyUrl">Where anyone checks the checkpoint's proof root, as the plane gives it.</param>
public sealed record CustomerCheckpoint(
    string CheckpointId,
    string Period,
    DateTimeOffset StartDate,
    DateTimeOffset EndDate,
    string ProofRoot,
    long ClosingBalance,
    long DeltaCount,
    DateTimeOffset ClosedAt,
    string VerifyUrl);

/// <summary>
/// One customer (<c>GET …/customers/{customerId}</c>): its profile, its VERIFIED figures, the deltas still queued, a page of
/// its deltas newest first (both statuses, each with its running balance) and the latest checkpoints holding its balance.
/// </summary>
public sealed record CustomerDetail(
    string CustomerId,
    string? DisplayName,
    string? UnitLabel,
    long Balance,
    long DeltaCount,
    long PendingDeltas,
    DateTimeOffset? FirstDeltaAt,
    DateTimeOffset? LastDeltaAt,
    DateTimeOffset? CreatedAt,
    DeltaList Deltas,
    IReadOnlyList<CustomerCheckpoint> Checkpoints);
