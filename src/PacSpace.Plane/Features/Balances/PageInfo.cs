namespace PacSpace.Plane.Features.Balances;

/// <summary>Page-number paging as answered by the customer routes.</summary>
internal sealed record PageInfo(long Total, int Page, int Limit, long TotalPages)
{
    public static PageInfo Of(long total, int page, int limit) => new(total, page, limit, (total + limit - 1) / limit);
}
