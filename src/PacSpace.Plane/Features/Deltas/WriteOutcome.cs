using PacSpace.Hosting.Errors;

namespace PacSpace.Plane.Features.Deltas;

/// <summary>How a write ended for one request.</summary>
internal sealed record WriteOutcome(DeltaRow? Row, bool Replayed, Error? Error)
{
    public static WriteOutcome Created(DeltaRow row) => new(row, false, null);

    public static WriteOutcome Replay(DeltaRow row) => new(row, true, null);

    public static WriteOutcome Failed(Error error) => new(null, false, error);
}
