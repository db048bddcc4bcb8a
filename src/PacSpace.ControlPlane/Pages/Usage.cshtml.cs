using System.Globalization;
using PacSpace.ControlPlane.Features.Ledger;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Usage of the environment in use: this billing period's deltas against the plan's allowance, and the month day by day as a
/// chart drawn on the server (SVG with a title, a description and the same figures as a table; no script).
/// </summary>
public sealed class UsageModel : DataPage
{
    /// <summary>The chart's drawing area, in SVG units (it scales to the page's width).</summary>
    internal const int Width = 720, Height = 220, Left = 48, Right = 8, Top = 12, Bottom = 28;

    internal sealed record Bar(string Date, int Day, long Deltas, double X, double Y, double W, double H);

    internal GetUsage.Output? Usage { get; private set; }

    internal IReadOnlyList<Bar> Bars { get; private set; } = [];

    /// <summary>The top of the chart's scale: a round number at or above the busiest day.</summary>
    internal long Scale { get; private set; } = 1;

    internal int DaysInMonth { get; private set; } = 30;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var usage = await this.Service<GetUsage>().HandleAsync(PageActor, new GetUsage.Input(Shell.Current), ct);
        if (!usage.IsSuccess)
        {
            Refused(usage.Error!);
            return;
        }

        Usage = usage.Value;
        var month = DateTime.ParseExact(Usage.Month.Month, "yyyy-MM", CultureInfo.InvariantCulture);
        DaysInMonth = DateTime.DaysInMonth(month.Year, month.Month);
        Scale = RoundUp(Usage.Month.Days.Select(d => d.Deltas).DefaultIfEmpty(0).Max());
        var slot = (double)(Width - Left - Right) / DaysInMonth;
        var plot = Height - Top - Bottom;
        Bars = Usage.Month.Days.Select((d, i) =>
        {
            var h = d.Deltas <= 0 ? 0 : Math.Max(1, plot * (double)d.Deltas / Scale);
            return new Bar(d.Date, i + 1, d.Deltas, Left + (i * slot) + (slot * 0.15), Top + plot - h, slot * 0.7, h);
        }).ToList();
    }

    /// <summary>The busiest day of the month so far, for the chart's description.</summary>
    internal Bar? Busiest => Bars.Where(b => b.Deltas > 0).OrderByDescending(b => b.Deltas).ThenBy(b => b.Day).FirstOrDefault();

    internal static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    internal double YOf(long value) => Top + (Height - Top - Bottom) * (1 - ((double)value / Scale));

    internal double XOf(int day) => Left + ((day - 0.5) * (Width - Left - Right) / DaysInMonth);

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="max"/> (and at least 1).</summary>
    private static long RoundUp(long max)
    {
        for (long p = 1; ; p *= 10)
        {
            foreach (var m in new long[] { 1, 2, 5 })
            {
                if (m * p >= max)
                {
                    return m * p;
                }
            }
        }
    }
}
