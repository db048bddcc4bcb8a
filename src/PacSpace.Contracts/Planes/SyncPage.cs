namespace PacSpace.Contracts.Planes;

/// <summary>
/// One page of the changes the control plane has not yet delivered to a plane (key states, webhook endpoints), as a
/// starting plane reads them from <c>GET /internal/v1/…/pending</c>; <see cref="Next"/> is the cursor of the next
/// page, null on the last.
/// </summary>
public sealed record SyncPage<T>(IReadOnlyList<T> Items, string? Next);
