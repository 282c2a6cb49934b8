using ControlRL.Cli;
using ControlRL.Cli.Hosting;

return CliApp.Run(args, CliServices.Default());
