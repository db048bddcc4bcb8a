namespace PacSpace.Plane.Features.Balances;

/// <summary>Offset paging as answered by derive and the checkpoint list.</summary>
internal sealed record PageView(int Limit, long Offset, long Total);
