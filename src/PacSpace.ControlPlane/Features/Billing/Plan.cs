namespace PacSpace.ControlPlane.Features.Billing;

internal sealed record Plan(string Tier, long? MonthlyAllotment, decimal? PriceUsd, decimal? OveragePriceUsd, bool ProductionAllowed);
