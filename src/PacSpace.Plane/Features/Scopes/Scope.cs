namespace PacSpace.Plane.Features.Scopes;

/// <summary>What a scoped read covers: a window, a starting point, or (for listings) nothing in particular.</summary>
internal sealed record Scope(Window? Window, StartingPoint? From)
{
    public ScopeView Describe() => From is { } f
        ? new ScopeView("checkpoint", null, null, null, null, f.Value, f.Type)
        : Window is { } w
            ? new ScopeView("window", w.Period, w.Preset, w.Start, w.End, null, null)
            : new ScopeView("all", null, null, null, null, null, null);
}
