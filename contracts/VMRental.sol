// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/**
 * ClawCloud VM rental (document 004): an agent approves USDC, calls purchaseVM(tier, durationDays)
 * and receives an ERC-721 whose token id names the VM. The platform watches VMPurchased, provisions
 * the VM, and hands out SSH credentials to whoever signs with the token's owner wallet while
 * isTokenValid(tokenId) holds. Tier prices are USDC units (6 decimals) per day; only the owner
 * configures tiers and withdraws what purchases paid.
 */
contract VMRental is ERC721, Ownable {
    using SafeERC20 for IERC20;

    uint8 public constant TIER_COUNT = 8;
    uint16 public constant MAX_DURATION_DAYS = 365;

    struct TierConfig {
        uint256 pricePerDay;
        bool active;
        string name;
    }

    struct Rental {
        uint8 tier;
        uint16 durationDays;
        uint64 purchaseDate;
        uint64 expiresAt;
    }

    IERC20 public immutable usdc;
    uint256 public nextTokenId = 1;

    mapping(uint8 tier => TierConfig) private _tiers;
    mapping(uint256 tokenId => Rental) private _rentals;

    event VMPurchased(
        uint256 indexed tokenId,
        address indexed buyer,
        uint8 tier,
        uint16 durationDays,
        uint256 purchaseDate,
        uint256 totalCost
    );
    event TierConfigured(uint8 indexed tier, uint256 pricePerDay, bool active, string name);
    event Withdrawn(address indexed to, uint256 amount);

    error InvalidTier(uint8 tier);
    error TierInactive(uint8 tier);
    error InvalidDuration(uint16 durationDays);

    constructor(IERC20 usdc_, address initialOwner) ERC721("ClawCloud VM", "CLAWVM") Ownable(initialOwner) {
        usdc = usdc_;
    }

    /** Buys `durationDays` days of `tier`; pulls price * durationDays USDC (approve first) and mints the token to the caller. */
    function purchaseVM(uint8 tier, uint16 durationDays) external returns (uint256 tokenId) {
        if (tier >= TIER_COUNT) revert InvalidTier(tier);
        TierConfig storage config = _tiers[tier];
        if (!config.active) revert TierInactive(tier);
        if (durationDays == 0 || durationDays > MAX_DURATION_DAYS) revert InvalidDuration(durationDays);
        uint256 totalCost = config.pricePerDay * durationDays;
        tokenId = nextTokenId++;
        uint64 purchaseDate = uint64(block.timestamp);
        _rentals[tokenId] = Rental(tier, durationDays, purchaseDate, purchaseDate + uint64(durationDays) * 1 days);
        usdc.safeTransferFrom(msg.sender, address(this), totalCost);
        _mint(msg.sender, tokenId);
        emit VMPurchased(tokenId, msg.sender, tier, durationDays, purchaseDate, totalCost);
    }

    /** True while the token exists and its rental period has not ended. */
    function isTokenValid(uint256 tokenId) external view returns (bool) {
        return _ownerOf(tokenId) != address(0) && block.timestamp < _rentals[tokenId].expiresAt;
    }

    /** (price per day in USDC units, active, name). */
    function getTierConfig(uint8 tier) external view returns (uint256, bool, string memory) {
        if (tier >= TIER_COUNT) revert InvalidTier(tier);
        TierConfig storage config = _tiers[tier];
        return (config.pricePerDay, config.active, config.name);
    }

    /** (tier, durationDays, purchaseDate, expiresAt) of an existing token. */
    function getRental(uint256 tokenId) external view returns (uint8, uint16, uint64, uint64) {
        _requireOwned(tokenId);
        Rental storage rental = _rentals[tokenId];
        return (rental.tier, rental.durationDays, rental.purchaseDate, rental.expiresAt);
    }

    function setTierConfig(uint8 tier, uint256 pricePerDay, bool active, string calldata name) external onlyOwner {
        if (tier >= TIER_COUNT) revert InvalidTier(tier);
        _tiers[tier] = TierConfig(pricePerDay, active, name);
        emit TierConfigured(tier, pricePerDay, active, name);
    }

    function withdraw(address to, uint256 amount) external onlyOwner {
        usdc.safeTransfer(to, amount);
        emit Withdrawn(to, amount);
    }
}
