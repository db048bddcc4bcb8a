using PacSpace.Cli;

return await PacSpaceCommand.Create().Parse(args).InvokeAsync();
