namespace PacSpace.Contracts.Reads;

/// <summary>One UTC day of a month: the deltas recorded that day that a signed head covers (record entries are not counted).</summary>
/// <param name="Date">The day, <c>YYYY-MM-DD</c>.</param>
public sealed record UsageDay(string Date, long Deltas);

/// <summary>
/// A tenant's deltas in one UTC month of this environment (<c>GET …/usage?month=YYYY-MM</c>), day by day up to today:
/// <see cref="Verified"/> is their sum, what Production's allotment counts. <see cref="Pending"/> is the deltas not yet covered
/// by a signed head and <see cref="LifetimeDeltas"/> every delta the log holds, signed or not (what the free plan's cap counts).
/// </summary>
public sealed record MonthUsage(string Month, IReadOnlyList<UsageDay> Days, long Verified, long Pending, long LifetimeDeltas);
