namespace Outpost.PowerShell
{
    /// <summary>Parameter-set names shared by the cmdlets, held in one place.</summary>
    internal static class ParameterSets
    {
        public const string FilePath = "FilePath";
        public const string ScriptBlock = "ScriptBlock";
        public const string Command = "Command";
    }
}
