using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Responding;

namespace Outpost.Core.Probing
{
    /// <summary>One interpreter found on this host, and whether a smoke test ran through it.</summary>
    public sealed class ProbedInterpreter
    {
        public string Extension { get; set; } = "";
        public string Program { get; set; } = "";
        public string Path { get; set; } = "";
        public string Version { get; set; } = "";
        /// <summary>A tiny script ran through it and printed what it should.</summary>
        public bool Works { get; set; }
        public string? Error { get; set; }

        public override string ToString() => $".{Extension} {Path} {Version}{(Works ? "" : " (failed: " + Error + ")")}";
    }

    /// <summary>
    /// Finds the interpreters of this host, reads their versions and runs a tiny script through each
    /// (the same way the dispatcher will) before trusting it.
    /// </summary>
    public static class InterpreterProbe
    {
        private const string Marker = "outpost-smoke-ok";

        private sealed class Candidate
        {
            public Candidate(string ext, string program, string[] versionArgs, string script)
            {
                Extension = ext; Program = program; VersionArgs = versionArgs; Script = script;
            }
            public string Extension { get; }
            public string Program { get; }
            public string[] VersionArgs { get; }
            public string Script { get; }
        }

        private static readonly Candidate[] Candidates =
        {
            new Candidate("sh", "sh", Array.Empty<string>(), $"echo {Marker}\n"),
            new Candidate("bash", "bash", new[] { "--version" }, $"echo {Marker}\n"),
            new Candidate("zsh", "zsh", new[] { "--version" }, $"echo {Marker}\n"),
            new Candidate("ps1", "pwsh", new[] { "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()" }, $"Write-Output '{Marker}'\n"),
            new Candidate("ps1", "powershell", new[] { "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()" }, $"Write-Output '{Marker}'\n"),
            new Candidate("cmd", "cmd", new[] { "/d", "/c", "ver" }, $"@echo {Marker}\r\n"),
            new Candidate("bat", "cmd", new[] { "/d", "/c", "ver" }, $"@echo {Marker}\r\n"),
            new Candidate("py", "python3", new[] { "--version" }, $"print('{Marker}')\n"),
            new Candidate("py", "python", new[] { "--version" }, $"print('{Marker}')\n"),
            new Candidate("py", "py", new[] { "--version" }, $"print('{Marker}')\n"),
            new Candidate("c", "tcc", new[] { "-v" }, "#include <stdio.h>\nint main(void){puts(\"" + Marker + "\");return 0;}\n"),
            new Candidate("js", "node", new[] { "--version" }, $"console.log('{Marker}')\n"),
            new Candidate("ts", "deno", new[] { "--version" }, $"console.log('{Marker}')\n"),
            new Candidate("rb", "ruby", new[] { "--version" }, $"puts '{Marker}'\n"),
            new Candidate("pl", "perl", new[] { "--version" }, $"print \"{Marker}\\n\";\n"),
            new Candidate("php", "php", new[] { "--version" }, $"<?php echo \"{Marker}\\n\";\n"),
            new Candidate("lua", "lua", new[] { "-v" }, $"print('{Marker}')\n"),
        };

        /// <summary>Probes every candidate found on PATH; the first working program wins for each extension.</summary>
        public static IReadOnlyList<ProbedInterpreter> Probe(TimeSpan? perInterpreter = null)
        {
            TimeSpan limit = perInterpreter ?? TimeSpan.FromSeconds(15);
            var found = Candidates
                .Where(c => HostPlatform.IsWindows || (c.Program != "cmd" && c.Program != "powershell" && c.Program != "py"))
                .Select(c => (Candidate: c, Path: PathFor(c.Program)))
                .Where(c => c.Path != null)
                .ToList();
            // Probing runs real programs; do them in parallel so a slow one does not hold up the rest.
            var results = found.Select(c => Task.Run(() => ProbeOne(c.Candidate, c.Path!, limit))).ToArray();
            Task.WaitAll(results);
            var best = new List<ProbedInterpreter>();
            foreach (var result in results.Select(t => t.Result))
            {
                var existing = best.FindIndex(b => b.Extension == result.Extension);
                if (existing < 0) best.Add(result);
                else if (!best[existing].Works && result.Works) best[existing] = result;
            }
            return best;
        }

        /// <summary>
        /// The program's first match on PATH that can be an interpreter: never WSL's launcher, and an app
        /// execution alias only when nothing else is found (the smoke test then tells whether it works).
        /// </summary>
        private static string? PathFor(string program)
        {
            var paths = ExecutableSearch.FindAll(program).Where(p => !SuspectInterpreter.IsWslLauncher(p)).ToList();
            return paths.FirstOrDefault(p => !SuspectInterpreter.IsAppExecutionAlias(p)) ?? paths.FirstOrDefault();
        }

        private static ProbedInterpreter ProbeOne(Candidate candidate, string path, TimeSpan limit)
        {
            var probed = new ProbedInterpreter { Extension = candidate.Extension, Program = candidate.Program, Path = path };
            if (candidate.VersionArgs.Length > 0)
            {
                var (_, output) = Run(path, candidate.VersionArgs, limit);
                probed.Version = VersionIn(output);
            }
            Smoke(probed, candidate.Script, limit);
            return probed;
        }

        /// <summary>Runs a tiny script through <paramref name="path"/> the way the dispatcher will; Works says whether it printed the marker.</summary>
        public static ProbedInterpreter SmokeTest(string extension, string path, TimeSpan limit)
        {
            var candidate = Candidates.FirstOrDefault(c => c.Extension == extension);
            var probed = new ProbedInterpreter { Extension = extension, Program = System.IO.Path.GetFileNameWithoutExtension(path), Path = path };
            if (candidate == null) { probed.Error = $"no smoke test for .{extension}"; return probed; }
            Smoke(probed, candidate.Script, limit);
            return probed;
        }

        private static void Smoke(ProbedInterpreter probed, string scriptText, TimeSpan limit)
        {
            string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "outpost-probe-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            try
            {
                string script = System.IO.Path.Combine(folder, "smoke." + probed.Extension);
                File.WriteAllText(script, scriptText);
                var args = Interpreter.DefaultArgumentsFor(probed.Extension, probed.Path).Concat(new[] { script }).ToArray();
                var (exit, output) = Run(probed.Path, args, limit);
                probed.Works = exit == 0 && output.Contains(Marker);
                if (!probed.Works) probed.Error = exit == -1 ? "did not finish in time" : $"exit {exit}: {FirstLine(output)}";
            }
            finally
            {
                try { Directory.Delete(folder, true); }
                catch (IOException) { }
            }
        }

        private static (int Exit, string Output) Run(string program, string[] args, TimeSpan limit)
        {
            try
            {
                var info = new ProcessStartInfo(program, CommandLine.Join(args))
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = true,
                    CreateNoWindow = true,
                };
                using var process = Process.Start(info)!;
                process.StandardInput.Close();
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit((int)limit.TotalMilliseconds))
                {
                    try { process.Kill(); } catch (InvalidOperationException) { }
                    return (-1, "");
                }
                return (process.ExitCode, stdout.Result + stderr.Result);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                return (-2, e.Message);
            }
        }

        private static string VersionIn(string output)
        {
            var match = Regex.Match(output, @"\d+\.\d+(\.\d+)?");
            return match.Success ? match.Value : "";
        }

        private static string FirstLine(string text) => text.Split('\n').FirstOrDefault()?.Trim() ?? "";
    }
}
