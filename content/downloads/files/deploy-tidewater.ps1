<#
.SYNOPSIS
    Silently installs or upgrades the Tidewater desktop app on Windows 10/11.

.DESCRIPTION
    deploy-tidewater.ps1 version 1.4.0 (Tidewater Labs support team).
    Demo script from the Tidewater help centre. Test it on one computer first.

    Designed for software deployment tools (Group Policy startup scripts,
    Intune Win32 apps, RMM tools) that run as SYSTEM or as a local administrator.

    The script:
      1. checks that it runs elevated on a supported Windows version;
      2. verifies the Authenticode signature of the MSI package;
      3. skips the installation when the same or a newer version is installed;
      4. runs msiexec silently, retrying while another installation is busy;
      5. optionally turns off automatic updates through a machine policy;
      6. checks that the Tidewater service is running afterwards;
      7. writes a transcript and a verbose MSI log to -LogDirectory.

    The enrolment token connects the device to your workspace without a
    user signing in. Create one in the web console under
    Settings > Devices > Enrolment tokens. Treat it like a password.

.PARAMETER MsiPath
    Path to the MSI, for example TidewaterSetup-5.4.2-x64.msi, local or UNC
    (\\server\share\...). Download it from Downloads > Desktop app >
    Windows (.msi) in the web console.

.PARAMETER EnrolmentToken
    Enrolment token from the web console (enr_...). Prefer -EnrolmentTokenFile
    so the token does not appear in process listings or deployment logs.

.PARAMETER EnrolmentTokenFile
    Path to a text file whose first line is the enrolment token.

.PARAMETER DataRegion
    Data region of your workspace: eu-central, us-west or ap-southeast
    (MSI property DATA_REGION). Optional: without it, the app uses the
    workspace default.

.PARAMETER InstallDir
    Installation folder (MSI property INSTALLDIR).
    Default: C:\Program Files\Tidewater.

.PARAMETER NoAutostart
    Does not start the app at sign-in (MSI property AUTOSTART=0).

.PARAMETER CreateDefaultBackupSet
    Creates a "Documents and Desktop" backup set for each user
    (MSI property DEFAULT_BACKUP_SET=1).

.PARAMETER DisableAutoUpdate
    Turns off automatic updates by setting the machine policy
    HKLM\SOFTWARE\Policies\Tidewater\Desktop\DisableAutoUpdate = 1.
    You must then deploy every new version yourself, including security
    fixes. Without this switch, an existing policy value is left unchanged.

.PARAMETER LogDirectory
    Folder for the transcript and the MSI log. Default: C:\ProgramData\Tidewater\Deploy.

.PARAMETER Force
    Reinstalls even if the same version is already installed.

.EXAMPLE
    .\deploy-tidewater.ps1 -MsiPath \\files\software\Tidewater\TidewaterSetup-5.4.2-x64.msi -EnrolmentTokenFile \\files\software\Tidewater\token.txt -DataRegion eu-central

.EXAMPLE
    .\deploy-tidewater.ps1 -MsiPath .\TidewaterSetup-5.4.2-x64.msi -EnrolmentToken "enr_7QfK2mXz9pLw" -DataRegion ap-southeast -CreateDefaultBackupSet

.NOTES
    Exit codes:
      0     installed, upgraded, or already up to date
      3010  installed; a restart is required to finish
      10    not running as administrator
      11    unsupported Windows version
      12    MSI not found or signature not valid
      13    enrolment token missing or unreadable
      14    installation failed (see the MSI log)
      15    installed, but the Tidewater service did not start
#>

[CmdletBinding(DefaultParameterSetName = 'TokenFile')]
param(
    [Parameter(Mandatory = $true)]
    [ValidateNotNullOrEmpty()]
    [string] $MsiPath,

    [Parameter(Mandatory = $true, ParameterSetName = 'Token')]
    [ValidatePattern('^enr_[A-Za-z0-9]+$')]
    [string] $EnrolmentToken,

    [Parameter(Mandatory = $true, ParameterSetName = 'TokenFile')]
    [ValidateNotNullOrEmpty()]
    [string] $EnrolmentTokenFile,

    [ValidateSet('eu-central', 'us-west', 'ap-southeast')]
    [string] $DataRegion,

    [string] $InstallDir = (Join-Path $env:ProgramFiles 'Tidewater'),

    [switch] $NoAutostart,

    [switch] $CreateDefaultBackupSet,

    [switch] $DisableAutoUpdate,

    [string] $LogDirectory = (Join-Path $env:ProgramData 'Tidewater\Deploy'),

    [switch] $Force
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$ExpectedSigner   = 'CN=Tidewater Labs'
$ServiceName      = 'TidewaterService'
$MsiRetryCount    = 6
$MsiRetryDelaySec = 30
$PolicyKey        = 'HKLM:\SOFTWARE\Policies\Tidewater\Desktop'

function Write-Log {
    param([string] $Message, [ValidateSet('INFO', 'WARN', 'ERROR')] [string] $Level = 'INFO')
    $line = '{0:yyyy-MM-dd HH:mm:ss} [{1}] {2}' -f (Get-Date), $Level, $Message
    switch ($Level) {
        'ERROR' { Write-Error -Message $line -ErrorAction Continue }
        'WARN'  { Write-Warning -Message $line }
        default { Write-Output $line }
    }
}

function Exit-Script {
    param([int] $Code, [string] $Reason)
    if ($Code -ne 0 -and $Code -ne 3010) {
        Write-Log -Level ERROR -Message "$Reason (exit code $Code)"
    } else {
        Write-Log -Message "$Reason (exit code $Code)"
    }
    try { Stop-Transcript | Out-Null } catch { }
    exit $Code
}

function ConvertTo-Version3 {
    # MSI and the registry may report 5.4.2 or 5.4.2.0; compare only the
    # first three parts so both are treated as the same version.
    param([string] $Text)
    $v = [version] $Text
    return [version] ('{0}.{1}.{2}' -f $v.Major, $v.Minor, [Math]::Max($v.Build, 0))
}

function Get-MsiProductVersion {
    param([string] $Path)
    # Read ProductVersion from the MSI Property table without installing it.
    $installer = New-Object -ComObject WindowsInstaller.Installer
    try {
        $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null, $installer, @($Path, 0))
        $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database,
            @("SELECT Value FROM Property WHERE Property = 'ProductVersion'"))
        $view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null) | Out-Null
        $record = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
        $value = $record.GetType().InvokeMember('StringData', 'GetProperty', $null, $record, 1)
        $view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null) | Out-Null
        return ConvertTo-Version3 -Text $value
    } finally {
        [System.Runtime.InteropServices.Marshal]::ReleaseComObject($installer) | Out-Null
    }
}

function Get-InstalledTidewaterVersion {
    $keys = @(
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\*',
        'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*'
    )
    $entry = Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue |
        Where-Object { $_.PSObject.Properties['DisplayName'] -and $_.DisplayName -eq 'Tidewater' } |
        Select-Object -First 1
    if ($entry) { return ConvertTo-Version3 -Text $entry.DisplayVersion }
    return $null
}

# --- Preparation ---------------------------------------------------------------

New-Item -ItemType Directory -Path $LogDirectory -Force | Out-Null
$stamp      = Get-Date -Format 'yyyyMMdd-HHmmss'
$transcript = Join-Path $LogDirectory "deploy-$stamp.log"
$msiLog     = Join-Path $LogDirectory "msiexec-$stamp.log"
Start-Transcript -Path $transcript -Append | Out-Null
Write-Log -Message "deploy-tidewater.ps1 1.4.0 on $env:COMPUTERNAME"

# 1. Elevation and Windows version
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Exit-Script -Code 10 -Reason 'Run this script as SYSTEM or from an elevated PowerShell'
}

$os = Get-CimInstance -ClassName Win32_OperatingSystem
if ([version] $os.Version -lt [version] '10.0.19044' -or $os.OSArchitecture -notmatch '64') {
    Exit-Script -Code 11 -Reason "Unsupported OS: $($os.Caption) $($os.Version) $($os.OSArchitecture). Windows 10 21H2 (64-bit) or later is required"
}

# 2. MSI package and signature
if (-not (Test-Path -LiteralPath $MsiPath -PathType Leaf)) {
    Exit-Script -Code 12 -Reason "MSI not found: $MsiPath"
}
$MsiPath = (Resolve-Path -LiteralPath $MsiPath).ProviderPath
$signature = Get-AuthenticodeSignature -FilePath $MsiPath
if ($signature.Status -ne 'Valid' -or $signature.SignerCertificate.Subject -notlike "$ExpectedSigner*") {
    Exit-Script -Code 12 -Reason "Signature check failed for $MsiPath (status: $($signature.Status))"
}
Write-Log -Message "Signature OK: $($signature.SignerCertificate.Subject)"

# 3. Enrolment token
if ($PSCmdlet.ParameterSetName -eq 'TokenFile') {
    try {
        $EnrolmentToken = (Get-Content -LiteralPath $EnrolmentTokenFile -TotalCount 1).Trim()
    } catch {
        Exit-Script -Code 13 -Reason "Cannot read the enrolment token file: $($_.Exception.Message)"
    }
    if ($EnrolmentToken -notmatch '^enr_[A-Za-z0-9]+$') {
        Exit-Script -Code 13 -Reason "The first line of $EnrolmentTokenFile is not an enrolment token"
    }
}

# 4. Version check
$packageVersion   = Get-MsiProductVersion -Path $MsiPath
$installedVersion = Get-InstalledTidewaterVersion
Write-Log -Message "Package version: $packageVersion; installed version: $(if ($installedVersion) { $installedVersion } else { 'none' })"
if ($installedVersion -and $installedVersion -ge $packageVersion -and -not $Force) {
    Exit-Script -Code 0 -Reason 'Tidewater is already up to date; nothing to do'
}

# --- Installation --------------------------------------------------------------

# Property names as documented in "Install the desktop app on Windows".
$properties = @(
    "INSTALLDIR=`"$InstallDir`"",
    "ENROLMENT_TOKEN=`"$EnrolmentToken`"",
    "AUTOSTART=$(if ($NoAutostart) { 0 } else { 1 })",
    "DEFAULT_BACKUP_SET=$(if ($CreateDefaultBackupSet) { 1 } else { 0 })"
)
if ($DataRegion) { $properties += "DATA_REGION=$DataRegion" }
if ($Force)      { $properties += 'REINSTALL=ALL', 'REINSTALLMODE=vomus' }

$arguments = @('/i', "`"$MsiPath`"", '/qn', '/norestart', '/l*v', "`"$msiLog`"") + $properties
# Never write the token to the transcript.
$safeArguments = ($arguments -join ' ') -replace 'ENROLMENT_TOKEN="[^"]*"', 'ENROLMENT_TOKEN="***"'
Write-Log -Message "Running: msiexec.exe $safeArguments"

$exitCode = $null
for ($attempt = 1; $attempt -le $MsiRetryCount; $attempt++) {
    $process  = Start-Process -FilePath "$env:SystemRoot\System32\msiexec.exe" -ArgumentList $arguments -Wait -PassThru -WindowStyle Hidden
    $exitCode = $process.ExitCode
    if ($exitCode -ne 1618) { break }
    # 1618 = ERROR_INSTALL_ALREADY_RUNNING: another MSI (often Windows Update) is busy.
    Write-Log -Level WARN -Message "Another installation is in progress (attempt $attempt of $MsiRetryCount); waiting $MsiRetryDelaySec s"
    Start-Sleep -Seconds $MsiRetryDelaySec
}

$restartNeeded = $false
switch ($exitCode) {
    0       { Write-Log -Message 'msiexec finished successfully' }
    3010    { Write-Log -Level WARN -Message 'Installed; Windows must restart to finish'; $restartNeeded = $true }
    1641    { Write-Log -Level WARN -Message 'Installed; a restart was started by the installer'; $restartNeeded = $true }
    1603    { Exit-Script -Code 14 -Reason "Fatal error during installation. Search the MSI log for 'Return value 3': $msiLog" }
    1618    { Exit-Script -Code 14 -Reason 'Another installation kept running; try again later' }
    1625    { Exit-Script -Code 14 -Reason 'Installation blocked by a system policy (AppLocker or Software Restriction Policies)' }
    default { Exit-Script -Code 14 -Reason "msiexec returned $exitCode. Details: $msiLog" }
}

# --- Update policy -------------------------------------------------------------

if ($DisableAutoUpdate) {
    try {
        if (-not (Test-Path -Path $PolicyKey)) { New-Item -Path $PolicyKey -Force | Out-Null }
        New-ItemProperty -Path $PolicyKey -Name 'DisableAutoUpdate' -PropertyType DWord -Value 1 -Force | Out-Null
        Write-Log -Level WARN -Message 'Automatic updates are OFF: deploy every new version, including security fixes, yourself'
    } catch {
        Write-Log -Level WARN -Message "Could not write the update policy: $($_.Exception.Message)"
    }
}

# --- Verification --------------------------------------------------------------

if (-not $restartNeeded) {
    try {
        $service = Get-Service -Name $ServiceName
        if ($service.Status -ne 'Running') {
            Start-Service -Name $ServiceName
            $service.WaitForStatus('Running', [TimeSpan]::FromSeconds(60))
        }
        Write-Log -Message "$ServiceName is running"
    } catch {
        Exit-Script -Code 15 -Reason "$ServiceName did not start: $($_.Exception.Message)"
    }
}

$newVersion = Get-InstalledTidewaterVersion
if ($restartNeeded) {
    Exit-Script -Code 3010 -Reason "Tidewater $newVersion installed; restart pending"
}
Exit-Script -Code 0 -Reason "Tidewater $newVersion installed and running"
