// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ERC3009} from "@openzeppelin/contracts/token/ERC20/extensions/draft-ERC3009.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * A USDC stand-in for local chains: 6 decimals, EIP-712 domain "USD Coin" version "2", and EIP-3009
 * transferWithAuthorization with random nonces (OpenZeppelin's draft-ERC3009), as USDC has, so
 * x402's exact EVM scheme settles against it. The owner mints.
 */
contract MockUSDC is ERC20, EIP712, ERC3009, Ownable {
    constructor(address initialOwner) ERC20("USD Coin", "USDC") EIP712("USD Coin", "2") Ownable(initialOwner) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
